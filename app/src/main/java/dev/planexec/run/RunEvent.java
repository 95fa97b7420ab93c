package dev.planexec.run;

import dev.planexec.agent.AgentEvent;
import dev.planexec.plan.Task;

/** What a run reports to whoever shows it (the line printer, the full-screen UI). */
public sealed interface RunEvent {

    /** A task's state changed; {@code after} is already on disk. */
    record StateChanged(Task before, Task after) implements RunEvent {}

    /** A task's session was created or resumed and its turn begins. */
    record TaskStarted(String taskId, String sessionId, boolean resumed) implements RunEvent {}

    /** Something the task's session reported. */
    record TaskOutput(String taskId, AgentEvent event) implements RunEvent {}

    /** A remark for the user; {@code taskId} is {@code null} when it is about the run. */
    record Notice(String taskId, String message) implements RunEvent {}

    /**
     * Nothing runs and nothing can start, but the run stays open for retries ({@link Scheduler#stayOpen}): what it
     * would report if it ended now. A task that starts again ends this state.
     */
    record Idle(RunSummary summary) implements RunEvent {}

    /** The run is over; nothing follows. */
    record RunFinished(RunSummary summary) implements RunEvent {}
}
