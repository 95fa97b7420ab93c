package dev.planexec.tui;

import com.googlecode.lanterna.input.KeyStroke;
import dev.planexec.isolation.DiffStat;
import dev.planexec.run.RunEvent;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the UI thread is told, by any thread: the run's events, keys, signals. The UI thread blocks here until
 * something comes or a frame is due, so an idle screen costs nothing.
 */
final class UiInbox {
    sealed interface Message {}

    /** Something the run reported. */
    record Event(RunEvent event) implements Message {}

    /** A key the user pressed. */
    record Key(KeyStroke key) implements Message {}

    /** SIGINT or SIGTERM from outside the screen: the same as Ctrl+C on it. */
    record Stop() implements Message {}

    /** The terminal is gone (SIGHUP, or it cannot be read or written): a graceful stop with nothing drawn. */
    record HangUp() implements Message {}

    /** The terminal changed size. */
    record Resized() implements Message {}

    /** What a task's worktree changed, counted off the UI thread; {@code null} when git could not say. */
    record DiffCounted(String taskId, DiffStat stat) implements Message {}

    /** The scheduler's thread broke: the UI ends and the caller reports it. */
    record SchedulerFailed(Throwable error) implements Message {}

    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();

    void post(Message message) {
        queue.add(message);
    }

    /** The next message, or {@code null} if none is waiting. */
    Message poll() {
        return queue.poll();
    }

    /** The next message, waiting up to {@code millis}; {@code null} if none came. */
    Message await(long millis) throws InterruptedException {
        return queue.poll(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
