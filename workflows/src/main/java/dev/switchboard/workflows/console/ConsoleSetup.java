package dev.switchboard.workflows.console;

import dev.switchboard.workflows.config.AdminSettings;
import dev.switchboard.workflows.config.ConsoleSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the console needs from the configuration: who signs in, for how long, whether cookies are Secure, where reports are. */
public record ConsoleSetup(ConsoleUsers users, Duration session, boolean secureCookie, List<Path> reportFolders) {

    /** @throws IllegalArgumentException when the users file is wrong, saying how */
    public static ConsoleSetup of(AdminSettings admin, String adminToken, Path baseDir) {
        ConsoleSettings console = admin.consoleOrDefaults();
        Path usersFile = console.usersFile() == null ? null : baseDir.resolve(console.usersFile());
        boolean tls = admin.listener() != null && admin.listener().tls() != null;
        return new ConsoleSetup(ConsoleUsers.load(adminToken, usersFile), Duration.ofMinutes(console.sessionMinutes()), tls,
                console.reportFolders().stream().map(baseDir::resolve).toList());
    }
}
