package dev.switchboard.workflows.cli;

/**
 * Why a command stops: its message is printed alone on standard error, with no stack trace, and the
 * command exits with {@link #exit()}. The message says what was wrong and how to fix it.
 */
final class CommandFailure extends RuntimeException {

    private final int exit;

    private CommandFailure(int exit, String message) {
        super(message, null, false, false);
        this.exit = exit;
    }

    /** Input that is not valid: files, options, configuration, environment. Exit 2. */
    static CommandFailure invalid(String message) {
        return new CommandFailure(SwitchboardCli.INVALID, message);
    }

    /** The command ran and failed: a refusal from a server, a connection that failed, a bar not met. Exit 1. */
    static CommandFailure failed(String message) {
        return new CommandFailure(SwitchboardCli.FAILED, message);
    }

    int exit() {
        return exit;
    }
}
