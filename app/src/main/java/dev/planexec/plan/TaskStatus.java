package dev.planexec.plan;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** A task's state as the plan file spells it (Planeteer's names, plus {@code interrupted}). */
public enum TaskStatus {
    PENDING("pending"),
    IN_PROGRESS("in_progress"),
    DONE("done"),
    FAILED("failed"),
    INTERRUPTED("interrupted");

    private final String json;

    TaskStatus(String json) {
        this.json = json;
    }

    /** The name written in the plan file. */
    public String json() {
        return json;
    }

    public static Optional<TaskStatus> fromJson(String value) {
        return Arrays.stream(values()).filter(s -> s.json.equals(value)).findFirst();
    }

    /** {@code "pending, in_progress, ..."}, for error messages. */
    public static String allNames() {
        return Arrays.stream(values()).map(TaskStatus::json).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return json;
    }
}
