package dev.vigil.decision.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
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
import java.util.Map;

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

    /** A compile error at a position inside the expression. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;
        final int column;

        Invalid(final String message, final int line, final int column) {
            super(message);
            this.line = line;
            this.column = column;
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
            final CelIssue first = e.getErrors().get(0);
            final String more = e.getErrors().size() > 1 ? " (and " + (e.getErrors().size() - 1) + " more)" : "";
            throw new Invalid(first.getMessage() + more, Math.max(1, first.getSourceLocation().getLine()),
                    first.getSourceLocation().getColumn() + 1);
        } catch (CelEvaluationException e) {
            throw new Invalid(e.getMessage(), 1, 0);
        }
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
