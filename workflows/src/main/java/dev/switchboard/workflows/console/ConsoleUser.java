package dev.switchboard.workflows.console;

/** A person signed in to the console: the name their decisions carry, and their role. */
public record ConsoleUser(String name, Role role) {
}
