package dev.switchboard.workflows.examples.data;

import java.math.BigInteger;

/** ISO 13616 IBAN check digits (ISO 7064 mod 97-10), to make valid sample IBANs and check them. */
public final class Iban {

    private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

    private Iban() {
    }

    /** A valid IBAN for the country and the national account number (BBAN). */
    public static String of(String country, String bban) {
        int check = 98 - remainder(bban + country + "00");
        return country + String.format("%02d", check) + bban;
    }

    /** Whether the check digits of {@code iban} (spaces allowed) are right. */
    public static boolean isValid(String iban) {
        String compact = iban.replace(" ", "");
        if (compact.length() < 15 || compact.length() > 34 || !compact.matches("[A-Z]{2}[0-9]{2}[A-Z0-9]+")) {
            return false;
        }
        return remainder(compact.substring(4) + compact.substring(0, 4)) == 1;
    }

    /** The IBAN in groups of four, as printed on invoices. */
    public static String printed(String iban) {
        return iban.replaceAll("(.{4})(?!$)", "$1 ");
    }

    private static int remainder(String rearranged) {
        StringBuilder digits = new StringBuilder();
        for (char c : rearranged.toCharArray()) {
            digits.append(Character.isLetter(c) ? String.valueOf(c - 'A' + 10) : String.valueOf(c));
        }
        return new BigInteger(digits.toString()).mod(NINETY_SEVEN).intValue();
    }
}
