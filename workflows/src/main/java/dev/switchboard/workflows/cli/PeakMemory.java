package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's peak resident memory: heap, the JVM's own, and what native libraries (ONNX Runtime, the
 * tokenizers) took. Read from {@code VmHWM} in {@code /proc/self/status}, so only on Linux.
 */
final class PeakMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {
    }

    /** The peak resident set of this process in bytes; empty where /proc is not there. */
    static OptionalLong residentBytes() {
        try {
            return parse(Files.readString(STATUS));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** {@code VmHWM} of a {@code /proc/<pid>/status} text, in bytes (the kernel writes it in kB). */
    static OptionalLong parse(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
            }
        }
        return OptionalLong.empty();
    }
}
