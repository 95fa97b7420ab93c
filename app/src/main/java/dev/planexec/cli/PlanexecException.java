package dev.planexec.cli;

import java.util.List;

/**
 * The one way a command ends with an error: one or more lines for the user and the exit code. Mapped to output
 * and exit code in one place, {@link Main}.
 */
public final class PlanexecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private final transient List<String> lines;

    private PlanexecException(int exitCode, List<String> lines) {
        super(String.join("\n", lines));
        this.exitCode = exitCode;
        this.lines = List.copyOf(lines);
    }

    public static PlanexecException invalidInput(String message) {
        return new PlanexecException(ExitCodes.BAD_INPUT, List.of(message));
    }

    public static PlanexecException invalidInput(List<String> problems) {
        return new PlanexecException(ExitCodes.BAD_INPUT, problems);
    }

    public static PlanexecException locked(String message) {
        return new PlanexecException(ExitCodes.LOCKED, List.of(message));
    }

    public static PlanexecException interrupted(String message) {
        return new PlanexecException(ExitCodes.INTERRUPTED, List.of(message));
    }

    public static PlanexecException failed(String message) {
        return new PlanexecException(ExitCodes.NOT_DONE, List.of(message));
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> lines() {
        return lines;
    }
}
