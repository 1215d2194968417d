package dev.switchboard.workflows.expr;

import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a CEL expression reads, found in its syntax tree: every path of fields and constant indexes below
 * one of the given roots ({@code event.data.priority}, {@code steps['lead-score'].score}, the argument of
 * {@code has()}), and every comparison of such a path with text ({@code steps.triage.label == 'bug'},
 * {@code 'bug' != ...}, {@code ... in ['bug', 'billing']}), and which steps it asks whether they ran ({@code 'hold' in steps}),
 * so that the workflow loader can check them against
 * what the event and the steps have.
 *
 * @param reads       each path once per place it is read, outermost first
 * @param comparisons each path compared with text, with the texts
 */
public record CelReads(List<Read> reads, List<Comparison> comparisons) {

    private static final CelCompiler PARSER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).build();
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A path as its segments (String keys, Long indexes as Integer) and as written. */
    public record Read(List<Object> segments, String text) {
    }

    /** A path compared with text literals. */
    public record Comparison(Read path, List<String> texts) {
    }

    /**
     * Parses (no type check: window keys use functions conditions do not have) and collects.
     *
     * @throws IllegalArgumentException when the expression does not parse
     */
    public static CelReads of(String source, Set<String> roots) {
        CelExpr root;
        try {
            root = PARSER.parse(source).getAst().getExpr();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        List<Read> reads = new ArrayList<>();
        List<Comparison> comparisons = new ArrayList<>();
        visit(root, roots, reads, comparisons);
        return new CelReads(Collections.unmodifiableList(reads), Collections.unmodifiableList(comparisons));
    }

    private static void visit(CelExpr expr, Set<String> roots, List<Read> reads, List<Comparison> comparisons) {
        Read read = path(expr, roots);
        if (read != null) {
            reads.add(read);
            return;
        }
        switch (expr.getKind()) {
            case SELECT -> visit(expr.select().operand(), roots, reads, comparisons);
            case CALL -> {
                Read stepRan = stepRan(expr, roots);
                if (stepRan != null) {
                    reads.add(stepRan);
                    return;
                }
                comparison(expr, roots).ifPresent(comparisons::add);
                expr.call().target().ifPresent(target -> visit(target, roots, reads, comparisons));
                expr.call().args().forEach(arg -> visit(arg, roots, reads, comparisons));
            }
            case LIST -> expr.list().elements().forEach(element -> visit(element, roots, reads, comparisons));
            case MAP -> expr.map().entries().forEach(entry -> {
                visit(entry.key(), roots, reads, comparisons);
                visit(entry.value(), roots, reads, comparisons);
            });
            case STRUCT -> expr.struct().entries().forEach(entry -> visit(entry.value(), roots, reads, comparisons));
            case COMPREHENSION -> {
                visit(expr.comprehension().iterRange(), roots, reads, comparisons);
                visit(expr.comprehension().accuInit(), roots, reads, comparisons);
                visit(expr.comprehension().loopCondition(), roots, reads, comparisons);
                visit(expr.comprehension().loopStep(), roots, reads, comparisons);
                visit(expr.comprehension().result(), roots, reads, comparisons);
            }
            default -> {
            }
        }
    }

    /** The path an expression is, when it is one: an identifier among the roots, then fields and constant indexes. */
    private static Read path(CelExpr expr, Set<String> roots) {
        List<Object> segments = new ArrayList<>();
        CelExpr current = expr;
        while (true) {
            switch (current.getKind()) {
                case IDENT -> {
                    if (!roots.contains(current.ident().name())) {
                        return null;
                    }
                    segments.add(0, current.ident().name());
                    return new Read(List.copyOf(segments), text(segments));
                }
                case SELECT -> {
                    segments.add(0, current.select().field());
                    current = current.select().operand();
                }
                case CALL -> {
                    Object index = index(current);
                    if (index == null) {
                        return null;
                    }
                    segments.add(0, index);
                    current = current.call().args().get(0);
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /**
     * {@code 'hold' in steps}, whether a step ran (a review step's later steps tell approval by it), as a read of
     * {@code steps.hold}; null for anything else.
     */
    private static Read stepRan(CelExpr call, Set<String> roots) {
        List<CelExpr> args = call.call().args();
        if (!call.call().function().equals("@in") || args.size() != 2 || text(args.get(0)) == null) {
            return null;
        }
        Read container = path(args.get(1), roots);
        if (container == null || !container.segments().equals(List.of("steps"))) {
            return null;
        }
        List<Object> segments = List.of("steps", text(args.get(0)));
        return new Read(segments, text(segments));
    }

    /** The constant of {@code x[0]} or {@code x['key']}, or null when the call is something else. */
    private static Object index(CelExpr call) {
        if (!call.call().function().equals("_[_]") || call.call().args().size() != 2
                || call.call().args().get(1).getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            return null;
        }
        CelConstant constant = call.call().args().get(1).constant();
        return switch (constant.getKind()) {
            case STRING_VALUE -> constant.stringValue();
            case INT64_VALUE -> (int) constant.int64Value();
            default -> null;
        };
    }

    private static Optional<Comparison> comparison(CelExpr call, Set<String> roots) {
        String function = call.call().function();
        List<CelExpr> args = call.call().args();
        if (args.size() != 2) {
            return Optional.empty();
        }
        if (function.equals("_==_") || function.equals("_!=_")) {
            for (int i = 0; i < 2; i++) {
                Read path = path(args.get(i), roots);
                String text = text(args.get(1 - i));
                if (path != null && text != null) {
                    return Optional.of(new Comparison(path, List.of(text)));
                }
            }
        }
        if (function.equals("@in") && args.get(1).getKind() == CelExpr.ExprKind.Kind.LIST) {
            Read path = path(args.get(0), roots);
            List<String> texts = new ArrayList<>();
            args.get(1).list().elements().forEach(element -> {
                String text = text(element);
                if (text != null) {
                    texts.add(text);
                }
            });
            if (path != null && !texts.isEmpty()) {
                return Optional.of(new Comparison(path, List.copyOf(texts)));
            }
        }
        return Optional.empty();
    }

    private static String text(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE
                ? expr.constant().stringValue() : null;
    }

    private static String text(List<Object> segments) {
        StringBuilder text = new StringBuilder(String.valueOf(segments.get(0)));
        for (Object segment : segments.subList(1, segments.size())) {
            if (segment instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else if (IDENTIFIER.matcher((String) segment).matches()) {
                text.append('.').append(segment);
            } else {
                text.append("['").append(segment).append("']");
            }
        }
        return text.toString();
    }
}
