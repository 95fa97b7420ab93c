package dev.planexec.tui;

import dev.planexec.plan.TaskStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What is printed after the UI closes, below the counts: which tasks failed and why (the first line of the error),
 * which are held by Clean Up and which are blocked by a failure, and what landed on the integration branch, so the next
 * step is clear without opening the plan.
 */
final class ExitSummary {
    private ExitSummary() {}

    static List<String> details(RunView view) {
        List<String> lines = new ArrayList<>();
        for (TaskView t : view.tasks) {
            if (t.task.status() == TaskStatus.FAILED) {
                String error = t.task.error() == null ? "" : t.task.error().strip();
                int nl = error.indexOf('\n');
                lines.add("  failed   " + t.task.id() + ": "
                        + Text.stripControls(nl < 0 ? error : error.substring(0, nl)));
            }
        }
        for (TaskView t : view.tasks) {
            if (view.isHeld(t)) {
                lines.add("  held     " + t.task.id() + ": Clean Up left it pending; the next run starts it");
            }
        }
        for (TaskView t : view.tasks) {
            String blocker = view.blockedBy(t);
            if (blocker != null && !view.isHeld(t)) {
                lines.add("  blocked  " + t.task.id() + ": waits for " + blocker + ", which failed");
            }
        }
        if (view.landed != null) {
            lines.add("  " + Text.stripControls(view.landed.describe()));
        }
        return lines;
    }
}
