package dev.switchboard.schemas.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Why a file a workflow names could not be read, without a word of its content: parsers quote what they
 * failed on, and the file may not be what the option expects at all (a secret, a key).
 */
public final class FileErrors {

    private FileErrors() {
    }

    /** "it is not valid JSON at line 3, column 7", "there is no such file", ... */
    public static String describe(Exception e) {
        if (e instanceof JsonProcessingException json) {
            return "it is not valid JSON" + (json.getLocation() == null ? ""
                    : " at line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr());
        }
        if (e instanceof MarkedYAMLException yaml) {
            return "it is not valid YAML" + (yaml.getProblemMark() == null ? "" : " at line " + (yaml.getProblemMark().getLine() + 1));
        }
        if (e instanceof YAMLException) {
            return "it is not valid YAML";
        }
        if (e instanceof NoSuchFileException) {
            return "there is no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "it cannot be read (permission denied)";
        }
        if (e instanceof NotDirectoryException) {
            return "it is not a folder";
        }
        if (e instanceof CharacterCodingException) {
            return "it is not UTF-8 text";
        }
        if (e instanceof java.io.IOException && e.getClass() == java.io.IOException.class && e.getMessage() != null) {
            return e.getMessage(); // written by Switchboard's readers, which never quote content
        }
        return "it cannot be read (" + e.getClass().getSimpleName() + ")";
    }
}
