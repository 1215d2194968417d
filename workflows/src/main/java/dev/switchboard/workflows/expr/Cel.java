package dev.switchboard.workflows.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Boolean conditions in CEL (the Common Expression Language): {@code on.filter} and a step's
 * {@code when}. CEL is side-effect free and not Turing complete; expressions see only {@code event}
 * and {@code steps}, are compiled and type-checked when the workflow loads, and event data is only
 * ever a value, never an expression.
 */
public final class Cel {

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(10_000)
            .build();

    private final CelCompiler compiler;
    private final CelRuntime runtime;

    public Cel() {
        this.compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                // has(), all(), exists(), map() and filter() are macros: without them CEL knows none of them
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("event", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("steps", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .setResultType(SimpleType.BOOL)
                .build();
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    }

    /** A compiled condition. */
    public static final class Condition {
        private final String source;
        private final CelRuntime.Program program;

        private Condition(String source, CelRuntime.Program program) {
            this.source = source;
            this.program = program;
        }

        public String source() {
            return source;
        }

        /**
         * Evaluates against the event and earlier steps' outputs.
         *
         * @throws ConditionException when evaluation fails (a missing key, a type mismatch)
         */
        public boolean test(Map<String, Object> variables) {
            try {
                Object result = program.eval(variables);
                if (!(result instanceof Boolean bool)) {
                    throw new ConditionException("Condition '" + source + "' gave " + (result == null ? "null" : "'" + result + "'")
                            + ", expected true or false. Compare the value, e.g. event.data.priority == 'urgent'");
                }
                return bool;
            } catch (CelEvaluationException e) {
                String reason = e.getMessage().replaceAll("\\.+$", "");
                throw new ConditionException("Condition '" + source + "' failed: " + reason + ". " + howToFix(reason));
            }
        }

        private static String howToFix(String reason) {
            if (reason.contains("is not present")) {
                return "Guard optional fields with has(), e.g. has(event.data.priority) && event.data.priority == 'urgent'";
            }
            if (reason.contains("Iteration budget")) {
                return "A condition may iterate at most " + OPTIONS.comprehensionMaxIterations()
                        + " times; avoid comprehensions over large or nested lists";
            }
            return "Check that the values compared have the types the condition expects";
        }
    }

    /** A condition that could not be evaluated for one event. */
    public static final class ConditionException extends RuntimeException {
        public ConditionException(String message) {
            super(message);
        }
    }

    /**
     * Compiles a condition; throws {@link IllegalArgumentException} with CEL's own messages, each with
     * its column ("column 23: mismatched input ..."), when it is not valid.
     */
    public Condition compile(String source) {
        CelValidationResult result = compiler.compile(source);
        if (result.hasError()) {
            throw new IllegalArgumentException(result.getErrors().stream().map(Cel::describe).collect(Collectors.joining("; ")));
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Condition(source, runtime.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String describe(CelIssue issue) {
        int column = issue.getSourceLocation().getColumn();
        return (column >= 0 ? "column " + (column + 1) + ": " : "") + issue.getMessage();
    }
}
