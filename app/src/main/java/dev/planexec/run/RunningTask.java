package dev.planexec.run;

import dev.planexec.agent.AgentSession;

/** A task on a worker thread, and the means to abort it whether or not its session exists yet. */
final class RunningTask {
    final String taskId;
    private AgentSession session;
    private boolean abortRequested;

    RunningTask(String taskId) {
        this.taskId = taskId;
    }

    synchronized void attach(AgentSession s) {
        session = s;
        if (abortRequested) {
            s.abort();
        }
    }

    synchronized boolean abortRequested() {
        return abortRequested;
    }

    void abort() {
        AgentSession s;
        synchronized (this) {
            abortRequested = true;
            s = session;
        }
        if (s != null) {
            s.abort();
        }
    }
}
