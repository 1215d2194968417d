package dev.switchboard.workflows.ops;

import dev.switchboard.workflows.console.ConsoleSetup;
import dev.switchboard.workflows.runtime.http.HttpListener;

/**
 * The admin listener and who may use it.
 *
 * @param listener the admin listener, or null when it is off
 * @param token    the admin API's token; null turns the admin API off
 * @param console  the web console's users and settings; null leaves the console off
 */
public record AdminAccess(HttpListener listener, String token, ConsoleSetup console) {
}
