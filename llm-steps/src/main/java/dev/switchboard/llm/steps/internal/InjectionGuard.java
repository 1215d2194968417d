package dev.switchboard.llm.steps.internal;

import dev.switchboard.llm.guard.InjectionScreen;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** A model step's {@code guards.injection}: off, flag (annotate the output), review or block a suspected prompt injection. */
final class InjectionGuard {

    private final String stepId;
    private final String mode;
    private final Supplier<InjectionScreen> screen;

    /** @param screen the screen, asked for only when the guard is on (it loads an embedding model) */
    InjectionGuard(String stepId, String mode, Supplier<InjectionScreen> screen) {
        this.stepId = stepId;
        this.mode = mode;
        this.screen = screen;
    }

    /** The outcome that stops a suspected text (review or block), or null to go on; a flag is put in {@code annotations}. */
    StepOutcome check(String text, Map<String, Object> annotations) {
        if ("off".equals(mode)) {
            return null;
        }
        Optional<InjectionScreen.Finding> finding = screen.get().screen(text);
        if (finding.isEmpty()) {
            return null;
        }
        String reason = "Possible prompt injection in the input of step '" + stepId + "': " + finding.get().reason();
        switch (mode) {
            case "block" -> {
                return StepOutcome.Failed.permanent(reason);
            }
            case "review" -> {
                return new StepOutcome.Review(reason, List.of(), List.of());
            }
            default -> {
                annotations.put("injection_suspected", true);
                annotations.put("injection_reason", finding.get().reason());
                return null;
            }
        }
    }
}
