package dev.switchboard.llm.steps.internal;

import dev.switchboard.llm.steps.ModelOptions;

/** The options of a step that needs a chat model: its model and prompt file are their {@link ModelOptions.ChatModel} group. */
public interface ChatStepOptions extends ModelStepOptions {

    ModelOptions.ChatModel chat();

    @Override
    default String model() {
        return chat().model();
    }

    @Override
    default String promptFile() {
        return chat().promptFile();
    }
}
