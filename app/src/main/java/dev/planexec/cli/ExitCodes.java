package dev.planexec.cli;

/** planexec's exit codes (README, "Exit codes"). */
public final class ExitCodes {
    public static final int OK = 0;
    /** The run ended with a task not done (failed, held after Clean Up), or the plan could not be saved. */
    public static final int NOT_DONE = 1;
    /** Bad input: usage, an unreadable or invalid plan, an agent that cannot be used. */
    public static final int BAD_INPUT = 2;
    /** Another live run holds the plan's lock. */
    public static final int LOCKED = 3;
    /** Interrupted (Ctrl+C, SIGINT, SIGTERM); the plan was saved. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
