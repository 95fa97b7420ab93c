package dev.planexec.tui;

import dev.planexec.isolation.DiffStat;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Counts what a task's worktree changed, off the UI thread (it runs git), one count at a time; each result is posted
 * to the UI's inbox, where the UI thread alone puts it into the task's view.
 */
final class DiffStats implements AutoCloseable {
    private final Consumer<UiInbox.Message> post;
    private ExecutorService worker;

    DiffStats(Consumer<UiInbox.Message> post) {
        this.post = post;
    }

    /** Counts {@code worktree} against {@code startCommit} and posts a {@link UiInbox.DiffCounted} for the task. */
    void count(String taskId, Path worktree, String startCommit) {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "planexec-diff-stat");
                t.setDaemon(true);
                return t;
            });
        }
        worker.execute(() -> {
            DiffStat stat;
            try {
                stat = DiffStat.ofWorktree(worktree, startCommit).orElse(null);
            } catch (RuntimeException e) {
                stat = null; // git is gone or failed: the details show no count rather than a wrong one
            }
            post.accept(new UiInbox.DiffCounted(taskId, stat));
        });
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
