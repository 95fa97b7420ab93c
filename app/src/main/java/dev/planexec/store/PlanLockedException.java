package dev.planexec.store;

/** Another live run holds the plan's lock. */
public final class PlanLockedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long pid;

    public PlanLockedException(String message, long pid) {
        super(message);
        this.pid = pid;
    }

    /** The process that holds the lock, or -1 if its lock file named none. */
    public long pid() {
        return pid;
    }
}
