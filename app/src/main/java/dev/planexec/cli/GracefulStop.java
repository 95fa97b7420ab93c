package dev.planexec.cli;

import dev.planexec.agent.process.ProcessReaper;
import dev.planexec.run.Scheduler;
import dev.planexec.store.SaveFailedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jline.utils.Signals;

/**
 * Ctrl+C, SIGTERM and SIGHUP during a run. The first one stops the run gracefully: no new task starts, running
 * sessions are aborted, their tasks saved {@code interrupted}, exit code 130. A second Ctrl+C or SIGTERM exits at
 * once, after one last attempt to save the running tasks as {@code interrupted} and with every process planexec
 * started stopped. A hang-up (the terminal closed, an SSH connection dropped) is only ever the graceful stop: nobody
 * is left to ask for more, and the kernel may deliver it twice (to the session leader and to the foreground group).
 */
final class GracefulStop implements AutoCloseable {
    private final Scheduler scheduler;
    private final Consumer<String> say;
    private final AtomicInteger signals = new AtomicInteger();
    private Object previousInt;
    private Object previousTerm;
    private Object previousHup;

    GracefulStop(Scheduler scheduler, Consumer<String> say) {
        this.scheduler = scheduler;
        this.say = say;
    }

    GracefulStop install() {
        previousInt = Signals.register("INT", this::onSignal);
        previousTerm = Signals.register("TERM", this::onSignal);
        previousHup = Signals.register("HUP", this::onHangUp);
        return this;
    }

    boolean triggered() {
        return signals.get() > 0;
    }

    private void onHangUp() {
        if (signals.compareAndSet(0, 1)) {
            say.accept("the terminal hung up: aborting running tasks and saving them as interrupted");
            scheduler.stop();
        }
    }

    private void onSignal() {
        if (signals.incrementAndGet() == 1) {
            say.accept("stopping: aborting running tasks and saving them as interrupted (Ctrl+C again to quit now)");
            scheduler.stop();
            return;
        }
        say.accept("quitting now");
        try {
            scheduler.saveRunningAsInterrupted();
        } catch (SaveFailedException e) {
            say.accept(e.getMessage());
        }
        ProcessReaper.killAll();
        // Halt, not exit: the main thread still waits on the run, and shutdown hooks already ran what matters.
        Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
    }

    @Override
    public void close() {
        Signals.unregister("INT", previousInt);
        Signals.unregister("TERM", previousTerm);
        Signals.unregister("HUP", previousHup);
    }
}
