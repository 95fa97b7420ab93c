package dev.planexec.recovery;

import java.util.Locale;
import java.util.Optional;

/** What to do with an orphaned task. */
public enum RecoveryAction {
    /** Reattach to the same session and continue it. */
    RESUME("resume", "Resume"),
    /** Dispose of the old session and run the task again in a new one. */
    FRESH("fresh", "Start Fresh"),
    /** Dispose of the session; the task waits as pending and does not run until the user starts it. */
    CLEAN("clean", "Clean Up");

    private final String option;
    private final String label;

    RecoveryAction(String option, String label) {
        this.option = option;
        this.label = label;
    }

    /** The value of {@code --on-orphans}. */
    public String option() {
        return option;
    }

    public String label() {
        return label;
    }

    public static Optional<RecoveryAction> fromOption(String value) {
        for (RecoveryAction a : values()) {
            if (a.option.equals(value.toLowerCase(Locale.ROOT))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
