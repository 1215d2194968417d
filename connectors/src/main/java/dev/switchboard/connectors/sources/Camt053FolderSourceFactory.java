package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.sources.bank.EntrySelection;
import dev.switchboard.connectors.sources.internal.EventTarget;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Makes {@link Camt053FolderSource}s: camt.053 statements dropped in a watched folder. */
public final class Camt053FolderSourceFactory implements SourceFactory<Camt053FolderSourceFactory.Options> {

    @Documentation(name = "camt053-folder", summary = "Reads ISO 20022 camt.053 bank statements dropped in a folder as payment.received and payment.sent events.",
            description = """
                    Every `poll_seconds` the source reads the `*.xml` files of `folder` that have not changed for \
                    `settle_seconds` (so a file still being copied waits), oldest first. Each statement is read as the \
                    `camt053` source reads a posted one (the same events, the same ids); once Kafka has acknowledged every \
                    event of a file, the file moves to `done/`. A file that is not a readable camt.053 statement moves to \
                    `failed/` with the reason in `failed/<file>.reason.txt`. When Kafka does not acknowledge, the file \
                    stays and is read again at the next poll: its events come again under the same ids, which \
                    reconciliation counts once. `done/` and `failed/` are created under the folder; a file of the same \
                    name already there is kept, the new one gets a time suffix.""")
    @Example(title = "Statements an EBICS client downloads every night", yaml = """
            bank-folder:
              camt053-folder:
                folder: /var/lib/ebics/statements
                entries: all
            """)
    public record Options(
            @Option(description = "The folder to watch, relative to the configuration file; `done/` and `failed/` are made inside it.",
                    required = true)
            String folder,
            @Option(description = EntrySelection.DESCRIPTION, defaultValue = "credits", allowed = {"credits", "debits", "all"})
            String entries,
            @Option(description = "Kafka topic the events are published to.", defaultValue = "switchboard.events") String topic,
            @Option(description = "Seconds between two looks at the folder.", defaultValue = "10", minimum = 1, maximum = 3600)
            @JsonProperty("poll_seconds") Integer pollSeconds,
            @Option(description = "A file is read only once it has not changed for this many seconds, so that a copy in progress "
                    + "is not read half-written. Writers that rename a finished file into the folder can set 0.",
                    defaultValue = "2", minimum = 0, maximum = 3600)
            @JsonProperty("settle_seconds") Integer settleSeconds,
            @Option(description = "Seconds to wait for Kafka to acknowledge a file's events; without an acknowledgement the file stays "
                    + "and is read again at the next poll.", defaultValue = "30", minimum = 1, maximum = 600)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds,
            @Option(description = "Largest statement file read, in bytes; a larger one goes to `failed/`.", defaultValue = "104857600",
                    minimum = 1024)
            @JsonProperty("max_file_bytes") Long maxFileBytes) {
    }

    @Override
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        Path folder = environment.baseDir().resolve(options.folder());
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            problems.add(OptionProblem.at("folder", "Not a folder").got(options.folder())
                    .expected("a folder (created when missing)").fix("Name a folder, not a file"));
        }
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        return new Camt053FolderSource(name, new Camt053FolderSource.Settings(environment.baseDir().resolve(options.folder()),
                EntrySelection.of(options.entries()),
                new EventTarget(environment.events(), options.topic(), Duration.ofSeconds(options.ackTimeoutSeconds())),
                Duration.ofSeconds(options.pollSeconds()), Duration.ofSeconds(options.settleSeconds()), options.maxFileBytes()),
                Clock.systemUTC());
    }

    @Override
    public Optional<String> topic(Options options) {
        return Optional.of(options.topic());
    }
}
