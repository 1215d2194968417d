package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;

/** Makes {@link JsonlFileSink}s: each task appended as one JSON line to a local file, for laptops, demos and tests. */
public final class JsonlFileSinkFactory implements SinkFactory<JsonlFileSinkFactory.Options> {

    @Documentation(name = "jsonl", summary = "Appends each task as a JSON line to a local file; a task id already in the file is not written again.")
    @Example(title = "Tasks to a local file", yaml = """
            local:
              jsonl:
                path: out/tasks.jsonl
            """)
    public record Options(
            @Option(description = "File to append to; relative paths resolve against the configuration file's folder.", required = true)
            String path) {
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        return new JsonlFileSink(name, environment.baseDir().resolve(options.path()));
    }
}
