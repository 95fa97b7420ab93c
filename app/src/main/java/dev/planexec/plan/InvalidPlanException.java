package dev.planexec.plan;

import java.util.List;

/** A plan that cannot be used; each line is one problem, as {@code file:line:column: message}. */
public final class InvalidPlanException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public InvalidPlanException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
