package dev.switchboard.workflows.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;

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
                return Boolean.TRUE.equals(result);
            } catch (CelEvaluationException e) {
                throw new ConditionException("Condition '" + source + "' failed: " + e.getMessage()
                        + ". Guard optional fields with has(), e.g. has(event.data.priority) && event.data.priority == 'urgent'");
            }
        }
    }

    /** A condition that could not be evaluated for one event. */
    public static final class ConditionException extends RuntimeException {
        public ConditionException(String message) {
            super(message);
        }
    }

    /** Compiles a condition; throws {@link IllegalArgumentException} with CEL's own message when it is not valid. */
    public Condition compile(String source) {
        CelValidationResult result = compiler.compile(source);
        if (result.hasError()) {
            throw new IllegalArgumentException(result.getErrorString().replace('\n', ' '));
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Condition(source, runtime.createProgram(ast));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
