package dev.switchboard.workflows.expr;

import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A CEL expression that yields a value, for the stateful stages: the key of a dedup or a window
 * ({@code event.data.account_id}) and a window's condition over its aggregate ({@code count >= 3}).
 * Same sandbox and budgets as {@link Cel}; only the variables and the result type differ.
 */
public final class CelExpression {

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(10_000)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS)
            .addLibraries(CelExtensions.strings()).build();

    /** The variables a window condition sees. */
    public static final Map<String, CelType> WINDOW_VARIABLES = windowVariables();

    private final String source;
    private final CelRuntime.Program program;

    private CelExpression(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** A value over {@code event}: a dedup or window key (used as text), or a number a window aggregates. */
    public static CelExpression overEvent(String source) {
        return compile(source, Map.of("event", MapType.create(SimpleType.STRING, SimpleType.DYN)), SimpleType.DYN);
    }

    /** A true/false condition over a window's aggregate: {@code key}, {@code count}, {@code sum}, {@code min}, {@code max}. */
    public static CelExpression windowCondition(String source) {
        return compile(source, WINDOW_VARIABLES, SimpleType.BOOL);
    }

    /**
     * Compiles; throws {@link IllegalArgumentException} with CEL's messages (and columns) when invalid.
     */
    public static CelExpression compile(String source, Map<String, CelType> variables, CelType result) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                // keys are often a part of a value: the domain of an email, a prefix of an id
                .addLibraries(CelExtensions.strings())
                .setResultType(result);
        variables.forEach(builder::addVar);
        CelCompiler compiler = builder.build();
        CelValidationResult checked = compiler.compile(source);
        if (checked.hasError()) {
            throw new IllegalArgumentException(checked.getErrors().stream()
                    .map(issue -> {
                        int column = issue.getSourceLocation().getColumn();
                        return (column >= 0 ? "column " + (column + 1) + ": " : "") + issue.getMessage();
                    })
                    .collect(Collectors.joining("; ")));
        }
        try {
            return new CelExpression(source, RUNTIME.createProgram(checked.getAst()));
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public String source() {
        return source;
    }

    /**
     * Evaluates against the variables.
     *
     * @throws Cel.ConditionException when evaluation fails (a missing key, a type mismatch)
     */
    public Object evaluate(Map<String, Object> variables) {
        try {
            return program.eval(variables);
        } catch (CelEvaluationException e) {
            throw new Cel.ConditionException("Expression '" + source + "' failed: " + e.getMessage().replaceAll("\\.+$", ""));
        }
    }

    /** Evaluates a condition; anything but {@code true} is false. */
    public boolean test(Map<String, Object> variables) {
        return Boolean.TRUE.equals(evaluate(variables));
    }

    private static Map<String, CelType> windowVariables() {
        Map<String, CelType> variables = new LinkedHashMap<>();
        variables.put("key", SimpleType.STRING);
        variables.put("count", SimpleType.INT);
        variables.put("sum", SimpleType.DOUBLE);
        variables.put("min", SimpleType.DOUBLE);
        variables.put("max", SimpleType.DOUBLE);
        variables.put("value", SimpleType.DOUBLE);
        variables.put("baseline", MapType.create(SimpleType.STRING, SimpleType.DOUBLE));
        return java.util.Collections.unmodifiableMap(variables);
    }
}
