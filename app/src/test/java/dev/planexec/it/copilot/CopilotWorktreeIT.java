package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.GitRepo;
import dev.planexec.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Copilot tasks in worktrees of their own: the real Copilot CLI, a fake model whose tool calls write files. */
class CopilotWorktreeIT {
    private static final Duration RUN = Duration.ofSeconds(180);

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    @Test
    void two_independent_tasks_and_one_after_both_land_on_the_integration_branch_at_concurrency_2() throws Exception {
        GitRepo repo = new GitRepo(world.work());
        String head = repo.git("rev-parse", "HEAD");
        Path plan = world.plan("cwt")
                .isolation("worktree")
                .task("a", "Write a", "Create a.txt.\nFAKE_BASH: echo a > a.txt")
                .task("b", "Write b", "Create b.txt.\nFAKE_BASH: echo b > b.txt")
                .task(
                        "c",
                        "Write c",
                        "Check a and b.\nFAKE_BASH: test -f a.txt && test -f b.txt && echo c > c.txt",
                        "a",
                        "b")
                .write();
        String status = repo.git("status", "--porcelain", "--untracked-files=all");

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--concurrency", "2");

        assertEquals(0, run.exitCode(), run::toString);
        for (String id : List.of("a", "b", "c")) {
            Task task = Plans.task(plan, id);
            assertEquals(TaskStatus.DONE, task.status(), run::toString);
            assertNotEquals(world.work().toString(), task.sessionContext().get("cwd"), "ran in its own worktree");
        }
        assertTrue(repo.filesOn("planexec/cwt").containsAll(List.of("a.txt", "b.txt", "c.txt")), run::toString);
        assertEquals("c", repo.git("show", "planexec/cwt:c.txt"));
        assertFalse(Files.exists(world.work().resolve("a.txt")), "nothing was written in the user's checkout");
        assertEquals(head, repo.git("rev-parse", "HEAD"));
        assertEquals(status, repo.git("status", "--porcelain", "--untracked-files=all"));
        assertEquals("", repo.git("stash", "list"));
    }
}
