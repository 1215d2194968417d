package dev.switchboard.workflows.console;

import dev.switchboard.schemas.spi.HttpIngress;

/** A page of the console with its changes, registered through the console's access checks. */
public interface ConsolePage {

    void register(Console console, HttpIngress http);
}
