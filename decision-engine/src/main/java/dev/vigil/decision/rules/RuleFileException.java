package dev.vigil.decision.rules;

import dev.vigil.decision.DecisionException;
import java.util.List;

/**
 * A rule file that does not load; the message holds one {@code FILE:LINE: problem} line per problem
 * ({@code FILE:LINE:COLUMN: problem} for a CEL error).
 */
public final class RuleFileException extends DecisionException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    /** @param problems each {@code FILE:LINE: problem} */
    public RuleFileException(final List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return each problem, {@code FILE:LINE: message} */
    public List<String> problems() {
        return problems;
    }
}
