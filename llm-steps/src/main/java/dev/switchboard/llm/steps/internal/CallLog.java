package dev.switchboard.llm.steps.internal;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.chat.ChatAnswer;
import dev.switchboard.schemas.ModelCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model calls a step made for one event, accounted as they happen: what the audit topic, the lineage
 * of a task and the workflow's budget see. A retried call counts once per attempt; a repair turn is a call
 * of its own, marked {@code repair}.
 */
final class CallLog {

    private final String promptId;
    private final String promptVersion;
    private final List<ModelCall> calls = new ArrayList<>();

    CallLog(String promptId, String promptVersion) {
        this.promptId = promptId;
        this.promptVersion = promptVersion;
    }

    void add(ModelCall call) {
        if (call != null) {
            calls.add(call);
        }
    }

    /** A chat model's answer, and each attempt the endpoint retried before it. */
    void answered(String model, ModelDefinition definition, ChatAnswer answer, boolean repair) {
        for (ChatAnswer attempt : answer.earlier()) {
            calls.add(call(model, definition, attempt, repair));
        }
        calls.add(call(model, definition, answer, repair));
    }

    /** Marks the last call with why its answer was not taken ({@code invalid_output}, {@code low_confidence}). */
    void markLast(String outcome) {
        if (!calls.isEmpty()) {
            calls.set(calls.size() - 1, calls.get(calls.size() - 1).withOutcome(outcome));
        }
    }

    double costUsd() {
        return calls.stream().mapToDouble(ModelCall::costUsd).sum();
    }

    List<ModelCall> list() {
        return List.copyOf(calls);
    }

    private ModelCall call(String model, ModelDefinition definition, ChatAnswer answer, boolean repair) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("temperature", definition.temperature());
        parameters.put("max_tokens", definition.maxTokens());
        if (repair) {
            parameters.put("repair", true);
        }
        return new ModelCall(model, answer.model(), promptVersion, answer.tokensIn(), answer.tokensOut(), answer.latencyMillis(),
                definition.cost(answer.tokensIn(), answer.tokensOut(), answer.latencyMillis()), false,
                answer.ok() ? "ok" : answer.failure().outcome(), promptId, parameters);
    }
}
