package dev.switchboard.connectors.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The speaker turns of a WebVTT transcript, as call platforms write them: each cue's text starts with the
 * speaker's name and a colon ({@code Jordan Reyes: Thanks for joining.}, Zoom's form) or is a voice span
 * ({@code <v Jordan Reyes>Thanks for joining.}). Consecutive cues of one speaker are one turn, so the
 * turns read as the conversation went; other markup is dropped, and cue settings and NOTE, STYLE and
 * REGION blocks are skipped.
 */
final class WebVttTranscript {

    /** One speaker turn: who, when it started (seconds from the start of the call), and what was said. */
    record Turn(String speaker, double startSeconds, String text) {
    }

    private static final Pattern TIMING = Pattern.compile("^((?:\\d+:)?\\d{1,2}:\\d{2}[.,]\\d{1,3})\\s+-->\\s+\\S+.*$");
    private static final Pattern VOICE = Pattern.compile("^<v(?:\\.[^ >]*)?\\s+([^>]+)>(.*)$", Pattern.DOTALL);
    private static final Pattern NAMED = Pattern.compile("^([^:<>]{1,100}):\\s+(.+)$", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private WebVttTranscript() {
    }

    /**
     * The turns of a transcript, at most {@code maxTurns} (the rest is left out) with texts of at most
     * {@code maxText} characters; a cue without a named speaker is {@code unknownSpeaker}'s.
     *
     * @throws IllegalArgumentException when the text is not WebVTT (no {@code WEBVTT} header)
     */
    static List<Turn> parse(String vtt, String unknownSpeaker, int maxTurns, int maxText) {
        String text = vtt.startsWith("\uFEFF") ? vtt.substring(1) : vtt;
        String[] lines = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        if (lines.length == 0 || !lines[0].startsWith("WEBVTT")) {
            throw new IllegalArgumentException("not WebVTT: the file does not start with WEBVTT");
        }
        List<Turn> turns = new ArrayList<>();
        int i = 1;
        while (i < lines.length && turns.size() <= maxTurns) {
            String line = lines[i].strip();
            Matcher timing = TIMING.matcher(line);
            if (!timing.matches()) {
                i++;
                continue;
            }
            StringBuilder cue = new StringBuilder();
            for (i++; i < lines.length && !lines[i].isBlank(); i++) {
                cue.append(cue.isEmpty() ? "" : " ").append(lines[i].strip());
            }
            add(turns, seconds(timing.group(1)), cue.toString(), unknownSpeaker, maxText);
        }
        return turns.size() > maxTurns ? List.copyOf(turns.subList(0, maxTurns)) : List.copyOf(turns);
    }

    private static void add(List<Turn> turns, double start, String cue, String unknownSpeaker, int maxText) {
        String speaker = unknownSpeaker;
        String said = cue;
        Matcher voice = VOICE.matcher(cue);
        Matcher named = NAMED.matcher(cue);
        if (voice.matches()) {
            speaker = voice.group(1).strip();
            said = voice.group(2);
        } else if (named.matches()) {
            speaker = named.group(1).strip();
            said = named.group(2);
        }
        said = TAG.matcher(said).replaceAll("").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip();
        if (said.isEmpty()) {
            return;
        }
        Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && last.speaker().equals(speaker)) {
            turns.set(turns.size() - 1, new Turn(speaker, last.startSeconds(), cut(last.text() + " " + said, maxText)));
        } else {
            turns.add(new Turn(speaker, start, cut(said, maxText)));
        }
    }

    /** {@code hh:mm:ss.ttt} or {@code mm:ss.ttt} in seconds. */
    private static double seconds(String timestamp) {
        String[] parts = timestamp.replace(',', '.').split(":");
        double seconds = 0;
        for (String part : parts) {
            seconds = seconds * 60 + Double.parseDouble(part);
        }
        return Math.round(seconds * 1000) / 1000.0;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
