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

    @Test
    void a_conflict_gets_one_resolve_turn_naming_the_file_and_the_task_is_merged() throws Exception {
        GitRepo repo = new GitRepo(world.work());
        Path started = world.logs().resolve("b-started");
        Path plan = world.plan("ccf")
                .isolation("worktree")
                // a lands while b works, so b's branch, started before a's change, conflicts with it.
                .task(
                        "a",
                        "Write shared from a",
                        "FAKE_BASH: while [ ! -f '" + started + "' ]; do sleep 0.1; done; echo from-a > shared.txt")
                .task(
                        "b",
                        "Write shared from b",
                        "FAKE_BASH: touch '" + started + "'; sleep 3; echo from-b > shared.txt\n"
                                + "FAKE_RESOLVE: export GIT_AUTHOR_NAME=it GIT_AUTHOR_EMAIL=it@example.org GIT_COMMITTER_NAME=it"
                                + " GIT_COMMITTER_EMAIL=it@example.org; git merge -q planexec/ccf;"
                                + " echo from-a-and-b > shared.txt; git add -A; git commit -q --no-edit")
                .write();

        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain", "--concurrency", "2");

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(TaskStatus.DONE, Plans.task(plan, "a").status(), run::toString);
        assertEquals(TaskStatus.DONE, Plans.task(plan, "b").status(), run::toString);
        assertTrue(run.stdout().contains("conflicts in shared.txt"), run::toString);
        FakeModel.Request resolve =
                world.model().awaitChat(r -> r.lastUserText().contains("could not be merged into"), Duration.ZERO);
        assertTrue(resolve.lastUserText().contains("shared.txt"), "the resolve prompt names the file");
        assertTrue(resolve.lastUserText().contains("git merge planexec/ccf"), resolve.lastUserText());
        assertEquals("from-a-and-b", repo.git("show", "planexec/ccf:shared.txt"));
    }
}
