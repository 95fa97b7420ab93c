package dev.planexec.recovery;

import dev.planexec.plan.Task;
import java.time.Instant;

/**
 * A task whose run died ({@code in_progress}) or was stopped ({@code interrupted}) and that names a session.
 *
 * @param sessionExists whether the agent still has that session
 * @param lastActivity when the session last did something, or {@code null} if unknown or gone
 */
public record Orphan(Task task, String agent, boolean sessionExists, Instant lastActivity) {

    public String taskId() {
        return task.id();
    }
}
