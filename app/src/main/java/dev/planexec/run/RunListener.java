package dev.planexec.run;

/** Receives a run's events, on the scheduler's threads: must be quick and thread-safe, and never block. */
@FunctionalInterface
public interface RunListener {
    void onEvent(RunEvent event);
}
