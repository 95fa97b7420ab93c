package dev.planexec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.CommandRunner;
import dev.planexec.testing.GitRepo;
import dev.planexec.testing.Plans;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code planexec land} against a real repository. */
class LandCommandTest {
    @TempDir
    Path temp;

    GitRepo repo;
    Path plan;
    CommandRunner planexec;

    @BeforeEach
    void repositoryWithAnIntegrationBranch() {
        repo = GitRepo.init(temp.resolve("repo"));
        repo.write("a.txt", "a\n").commitAll("first");
        String base = repo.git("rev-parse", "HEAD");
        // What a run leaves: planexec/p1 ahead of the base with the tasks' work.
        repo.git("checkout", "-q", "-b", "planexec/p1");
        repo.write("task.txt", "done by a task\n").commitAll("Merge task t");
        repo.git("checkout", "-q", "main");
        plan = Plans.write(
                repo.dir(),
                "p1.json",
                Plans.lines(
                        "{",
                        "  \"id\": \"p1\",",
                        "  \"gitBase\": {\"commit\": \"" + base + "\", \"branch\": \"main\"},",
                        "  \"tasks\": [{\"id\": \"t\", \"title\": \"T\", \"steps\": [\"true\"], \"status\": \"done\"}]",
                        "}"));
        planexec = new CommandRunner(temp.resolve("home"));
    }

    @Test
    void fast_forwards_a_clean_base_branch() {
        CommandRunner.Result r = planexec.run("land", plan.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("fast-forward"), r.out());
        assertEquals(repo.git("rev-parse", "planexec/p1"), repo.git("rev-parse", "main"));
        assertEquals("", repo.git("status", "--porcelain", "--untracked-files=no"));

        CommandRunner.Result again = planexec.run("land", plan.toString());
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("nothing to land"), again.out());
    }

    @Test
    void makes_a_merge_commit_when_the_base_moved_on() {
        repo.write("b.txt", "the user's own work\n").commitAll("user");
        String userHead = repo.git("rev-parse", "HEAD");
        CommandRunner.Result r = planexec.run("land", plan.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("merge commit"), r.out());
        assertEquals(userHead, repo.git("rev-parse", "HEAD^1"));
        assertEquals(repo.git("rev-parse", "planexec/p1"), repo.git("rev-parse", "HEAD^2"));
    }

    @Test
    void refuses_a_dirty_checkout_and_leaves_it_as_it_was() {
        repo.write("a.txt", "uncommitted\n");
        GitRepo.Snapshot before = repo.snapshot("a.txt");
        CommandRunner.Result r = planexec.run("land", plan.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("has uncommitted changes: commit or stash them"), r.err());
        assertEquals(before, repo.snapshot("a.txt"));
    }

    @Test
    void refuses_another_branch_and_a_plan_that_never_ran_isolated() {
        repo.git("checkout", "-q", "-b", "other");
        CommandRunner.Result r = planexec.run("land", plan.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(
                r.err().contains("is on the branch other, not on the plan's base branch main: git switch main"),
                r.err());

        repo.git("checkout", "-q", "main");
        repo.git("branch", "-D", "planexec/p1");
        CommandRunner.Result none = planexec.run("land", plan.toString());
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().contains("nothing to land: the branch planexec/p1 does not exist"), none.err());
    }

    @Test
    void a_conflict_is_aborted_and_named() {
        repo.write("task.txt", "the user wrote this too\n").commitAll("user");
        String head = repo.git("rev-parse", "HEAD");
        CommandRunner.Result r = planexec.run("land", plan.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("conflicts in task.txt; the merge was aborted"), r.err());
        assertEquals(head, repo.git("rev-parse", "HEAD"));
        assertEquals("", repo.git("status", "--porcelain", "--untracked-files=no"));
    }

    @Test
    void its_own_plan_file_uncommitted_in_the_repository_does_not_stop_it_and_keeps_its_changes() throws Exception {
        commitPlanFileWithTheBase(false);
        String runState = Files.readString(plan).replace("\"status\": \"done\"", "\"status\": \"done\", \"x\": 1");
        Files.writeString(plan, runState);
        assertEquals(
                " M p1.json\n",
                repo.run("status", "--porcelain", "--untracked-files=no").out());

        repo.write("a.txt", "uncommitted\n");
        GitRepo.Snapshot before = repo.snapshot("a.txt");
        CommandRunner.Result refused = planexec.run("land", plan.toString());
        assertEquals(2, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("has uncommitted changes"), refused.err());
        assertEquals(before, repo.snapshot("a.txt"));

        repo.git("checkout", "--", "a.txt");
        CommandRunner.Result r = planexec.run("land", plan.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("fast-forward"), r.out());
        assertEquals(repo.git("rev-parse", "planexec/p1"), repo.git("rev-parse", "main"));
        assertEquals(runState, Files.readString(plan));
    }

    @Test
    void refuses_naming_the_plan_file_when_the_integration_branch_changes_it_too() throws Exception {
        commitPlanFileWithTheBase(true);
        Files.writeString(plan, Files.readString(plan).replace("\"T\"", "\"T, run\""));
        GitRepo.Snapshot before = repo.snapshot("p1.json");
        CommandRunner.Result r = planexec.run("land", plan.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(
                r.err().contains("planexec/p1 changes the plan file p1.json, which has uncommitted changes"), r.err());
        assertEquals(before, repo.snapshot("p1.json"));

        repo.git("add", "p1.json");
        CommandRunner.Result staged = planexec.run("land", plan.toString());
        assertEquals(2, staged.exitCode(), staged::toString);
        assertTrue(staged.err().contains("the plan file p1.json has staged changes"), staged.err());
    }

    /** The plan file committed on main before planexec/p1 began, as when the plan lives in the repository. */
    private void commitPlanFileWithTheBase(boolean taskEditsIt) throws Exception {
        repo.git("add", "p1.json");
        repo.git("commit", "-q", "-m", "the plan");
        repo.git("checkout", "-q", "-B", "planexec/p1");
        repo.write("task.txt", "done by a task\n");
        if (taskEditsIt) {
            Files.writeString(plan, Files.readString(plan).replace("\"T\"", "\"T, edited by a task\""));
        }
        repo.commitAll("Merge task t");
        repo.git("checkout", "-q", "main");
    }
}
