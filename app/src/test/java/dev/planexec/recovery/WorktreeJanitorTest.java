package dev.planexec.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.isolation.Landing;
import dev.planexec.isolation.Workspace;
import dev.planexec.isolation.WorktreeIsolation;
import dev.planexec.plan.GitBase;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.store.PlanStore;
import dev.planexec.testing.GitRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sessions clean}'s git side against the real git and a real plan file: what is landed goes, what is not is
 * kept and named unless forced, the integration branch always stays.
 */
class WorktreeJanitorTest {
    @TempDir
    Path temp;

    GitRepo repo;
    Path file;
    PlanStore store;
    WorktreeIsolation isolation;
    Task a;
    Task b;
    Task c;

    /** a done and landed; b failed with work not landed; c done, with a backup Start Fresh kept; a stray branch. */
    @BeforeEach
    void a_plan_that_ran() throws Exception {
        repo = GitRepo.init(temp.resolve("repo"));
        repo.write("README.md", "hello\n").commitAll("first");
        file = temp.resolve("plan.json");
        Files.writeString(
                file,
                """
                {"id": "p1", "name": "p1", "workingDirectory": "repo", "isolation": "worktree", "tasks": [
                  {"id": "a", "title": "A", "steps": ["true"]},
                  {"id": "b", "title": "B", "steps": ["true"]},
                  {"id": "c", "title": "C", "steps": ["true"]}
                ]}
                """);
        Plan plan = PlanFiles.load(file, AgentRegistry.NAMES);
        isolation = WorktreeIsolation.open(repo.dir(), plan, temp.resolve("state"));
        GitBase base = isolation.base(plan);
        isolation.start(base);
        plan = plan.withGitBase(base);

        a = landed(plan.task("a").orElseThrow(), "a.txt");
        b = worked(plan.task("b").orElseThrow(), "b.txt");
        Task oldC = worked(plan.task("c").orElseThrow(), "old-c.txt");
        String backup = isolation.backupBranch(oldC);
        isolation.keepAsBackup(oldC.worktree(), backup);
        c = landed(oldC.withWorktree(oldC.worktree().notStarted().withBackupBranch(backup)), "c.txt");
        repo.git("branch", "planexec-task/p1/stray", "planexec/p1");

        Task doneA = a.withStatus(TaskStatus.DONE);
        Task failedB = b.withStatus(TaskStatus.FAILED);
        Task doneC = c.withStatus(TaskStatus.DONE);
        store = new PlanStore(file, plan, AgentRegistry.NAMES);
        store.update(p -> p.withGitBase(base)
                .withTask("a", t -> doneA)
                .withTask("b", t -> failedB)
                .withTask("c", t -> doneC));
    }

    @Test
    void removes_what_is_landed_and_keeps_and_names_what_is_not() throws Exception {
        String integration = repo.git("rev-parse", "planexec/p1");
        byte[] planBefore = Files.readAllBytes(file);

        WorktreeJanitor.Report report = new WorktreeJanitor(store, isolation, false, false).clean(false);

        String removed = String.join("\n", report.removed());
        String kept = String.join("\n", report.kept());
        assertTrue(removed.contains("removed the worktree and branch planexec-task/p1/a of task a"), removed);
        assertTrue(removed.contains("removed the worktree and branch planexec-task/p1/c of task c"), removed);
        assertTrue(removed.contains("removed the branch planexec-task/p1/stray, which no task names"), removed);
        assertTrue(removed.contains("removed the integration worktree"), removed);
        assertTrue(kept.contains("kept the worktree and branch planexec-task/p1/b of task b"), kept);
        assertTrue(kept.contains("kept planexec-backup/p1/c-1 of task c"), kept);
        assertTrue(kept.contains("--force"), kept);
        assertEquals(2, report.kept().size(), kept);

        assertFalse(Files.exists(Path.of(a.worktree().path())));
        assertEquals("", repo.git("branch", "--list", "planexec-task/p1/a", "planexec-task/p1/stray"));
        assertTrue(Files.isDirectory(Path.of(b.worktree().path())), "b's work is kept");
        assertEquals(
                "planexec-task/p1/b", repo.git("branch", "--format=%(refname:short)", "--list", "planexec-task/*"));
        assertEquals(
                "planexec-backup/p1/c-1",
                repo.git("branch", "--format=%(refname:short)", "--list", "planexec-backup/*"));
        assertEquals(integration, repo.git("rev-parse", "planexec/p1"), "the plan's result stays");
        assertTrue(Files.exists(Path.of(b.worktree().path()).resolve("b.txt")));
        // Only done tasks' things went, and their records stay as history: the plan file is as it was.
        assertTrue(java.util.Arrays.equals(planBefore, Files.readAllBytes(file)));
        assertEquals("", repo.git("fsck", "--no-progress"));
    }

    @Test
    void a_dry_run_changes_nothing_and_force_removes_unlanded_work_and_updates_the_failed_tasks_record()
            throws Exception {
        String branchesBefore = repo.git("branch", "--list");
        WorktreeJanitor.Report dry = new WorktreeJanitor(store, isolation, true, true).clean(false);
        assertTrue(dry.kept().isEmpty(), dry.kept().toString());
        assertTrue(
                dry.removed().stream().allMatch(l -> l.startsWith("would remove ")),
                dry.removed().toString());
        assertEquals(6, dry.removed().size(), dry.removed().toString());
        assertEquals(branchesBefore, repo.git("branch", "--list"));
        assertTrue(Files.isDirectory(Path.of(b.worktree().path())));

        WorktreeJanitor.Report forced = new WorktreeJanitor(store, isolation, true, false).clean(false);
        assertTrue(forced.kept().isEmpty(), forced.kept().toString());
        assertEquals("", repo.git("branch", "--list", "planexec-task/*", "planexec-backup/*"));
        assertEquals(
                "main\n  planexec/p1",
                repo.git("branch", "--list", "--format=%(refname:short)").replace("\n", "\n  "));
        assertFalse(Files.exists(Path.of(b.worktree().path())));
        Task failed = PlanFiles.load(file, AgentRegistry.NAMES).task("b").orElseThrow();
        assertNull(failed.worktree(), "its next run starts a worktree anew rather than merge a branch that is gone");
        assertTrue(failed.notes()
                .get(failed.notes().size() - 1)
                .endsWith("sessions clean: worktree and branches removed"));
        assertEquals(
                List.of(repo.dir().toRealPath().toString()),
                repo.git("worktree", "list", "--porcelain")
                        .lines()
                        .filter(l -> l.startsWith("worktree "))
                        .map(l -> l.substring("worktree ".length()))
                        .toList());
    }

    @Test
    void only_what_no_task_names_with_orphaned_only() throws Exception {
        WorktreeJanitor.Report report = new WorktreeJanitor(store, isolation, false, false).clean(true);
        assertEquals(List.of("removed the branch planexec-task/p1/stray, which no task names"), report.removed());
        assertTrue(report.kept().isEmpty(), report.kept().toString());
        assertTrue(Files.isDirectory(Path.of(a.worktree().path())));
    }

    private Task worked(Task task, String fileName) throws Exception {
        Task assigned = task.withWorktree(isolation.assign(task));
        Workspace ws = isolation.prepare(assigned);
        Files.writeString(ws.directory().resolve(fileName), fileName + "\n");
        return assigned.withWorktree(ws.worktree());
    }

    private Task landed(Task task, String fileName) throws Exception {
        Task worked = worked(task, fileName);
        assertInstanceOf(Landing.Landed.class, isolation.land(worked, "s-" + task.id()));
        return worked;
    }
}
