package dev.vigil.decision.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructTypeReference;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelNativeTypesExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CEL environment of rules: the {@link Facts} types, the variables of {@link RuleContext},
 * the standard library plus the {@code math} and {@code strings} extensions. Compiling checks
 * types, so a misspelt field or a string compared with a number is refused at load time.
 * Thread-safe; programs may be evaluated concurrently.
 */
final class RuleCel {
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final CelNativeTypesExtensions TYPES = CelExtensions.nativeTypes(Facts.AnomalyFacts.class,
            Facts.EventFacts.class, Facts.FileFacts.class, Facts.ForecastFacts.class, Facts.StatsFacts.class,
            Facts.DatasetFacts.class, Facts.StateFacts.class);
    private static final CelCompiler CONDITIONS = compiler(SimpleType.BOOL);
    private static final CelCompiler VALUES = compiler(SimpleType.DYN);
    private static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder().setOptions(OPTIONS)
            .addLibraries(TYPES, CelExtensions.math(), CelExtensions.strings()).build();

    private RuleCel() {
    }

    /** A compiled expression. */
    record Program(String text, CelRuntime.Program program) {
        Object eval(final Map<String, Object> variables) throws CelEvaluationException {
            return program.eval(variables);
        }
    }

    /** One compile error: its message and where it is in the expression (a char offset; -1 when CEL names none). */
    record Issue(String message, int offset) {
    }

    /** The compile errors of an expression, every one CEL found, in its order. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<Issue> issues;

        Invalid(final List<Issue> issues) {
            super(issues.stream().map(Issue::message).collect(Collectors.joining("; ")));
            this.issues = List.copyOf(issues);
        }

        Invalid(final String message, final int offset) {
            this(List.of(new Issue(message, offset)));
        }

        List<Issue> issues() {
            return issues;
        }
    }

    static Program condition(final String text) throws Invalid {
        return compile(CONDITIONS, text);
    }

    static Program value(final String text) throws Invalid {
        return compile(VALUES, text);
    }

    private static Program compile(final CelCompiler compiler, final String text) throws Invalid {
        try {
            final CelAbstractSyntaxTree ast = compiler.compile(text).getAst();
            return new Program(text, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            final List<Issue> issues = new ArrayList<>();
            for (final CelIssue issue : e.getErrors()) {
                final Issue one = new Issue(issue.getMessage(), offset(text, issue.getSourceLocation()));
                if (!issues.contains(one)) {
                    issues.add(one);
                }
            }
            throw new Invalid(issues);
        } catch (CelEvaluationException e) {
            throw new Invalid(e.getMessage(), -1);
        }
    }

    /**
     * @return the char offset in {@code text} of CEL's line (from 1) and column (code points from 0) on it, at most the
     *     text's length; -1 for no location
     */
    private static int offset(final String text, final CelSourceLocation location) {
        if (location.getLine() < 1 || location.getColumn() < 0) {
            return -1;
        }
        int start = 0;
        for (int line = 1; line < location.getLine(); line++) {
            final int end = text.indexOf('\n', start);
            if (end < 0) {
                return text.length();
            }
            start = end + 1;
        }
        final int columns = Math.min(location.getColumn(), text.codePointCount(start, text.length()));
        return text.offsetByCodePoints(start, columns);
    }

    private static CelCompiler compiler(final CelType result) {
        final CelCompilerBuilder b = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
                .addLibraries(TYPES, CelExtensions.math(), CelExtensions.strings())
                .addVar("trigger", SimpleType.STRING)
                .addVar("now", SimpleType.TIMESTAMP)
                .addVar("anomaly", struct(Facts.AnomalyFacts.class))
                .addVar("event", struct(Facts.EventFacts.class))
                .addVar("forecast", struct(Facts.ForecastFacts.class))
                .addVar("stats", struct(Facts.StatsFacts.class))
                .addVar("dataset", struct(Facts.DatasetFacts.class))
                .addVar("state", struct(Facts.StateFacts.class));
        return b.setResultType(result).build();
    }

    private static CelType struct(final Class<?> type) {
        return StructTypeReference.create(type.getCanonicalName());
    }
}
