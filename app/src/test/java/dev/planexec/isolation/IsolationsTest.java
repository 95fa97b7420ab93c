package dev.planexec.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.testing.GitRepo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which isolation each task gets: {@code --isolation}, then the task's field, then the plan's, then the default. */
class IsolationsTest {
    private static final Predicate<Task> NOT_LOCAL = t -> !"local".equals(t.agent());

    @TempDir
    Path temp;

    Path repo;
    Path plain;
    Path state;

    @BeforeEach
    void folders() throws Exception {
        repo = GitRepo.init(temp.resolve("repo"))
                .write("a.txt", "a\n")
                .commitAll("first")
                .dir();
        plain = Files.createDirectories(temp.resolve("plain"));
        state = temp.resolve("state");
    }

    @Test
    void the_default_is_worktree_for_a_prompt_driven_task_in_a_repository_with_a_commit_and_none_otherwise()
            throws Exception {
        Plan prompted = plan(null, "\"agent\": \"copilot\"", "\"agent\": \"local\", \"steps\": [\"true\"]");
        Isolations inRepo = Isolations.choose(prompted, repo, state, null, NOT_LOCAL);
        assertEquals("worktree", inRepo.nameFor(prompted, prompted.tasks().get(0)));
        assertEquals("worktree", inRepo.nameFor(prompted, prompted.tasks().get(1)), "the plan's default, every task");
        assertTrue(inRepo.worktree().isPresent());

        Plan local = plan(
                null, "\"agent\": \"local\", \"steps\": [\"true\"]", "\"agent\": \"local\", \"steps\": [\"true\"]");
        Isolations demoLike = Isolations.choose(local, repo, state, null, NOT_LOCAL);
        assertEquals("none", demoLike.nameFor(local, local.tasks().get(0)), "a plan of local steps runs in place");
        assertTrue(demoLike.worktree().isEmpty(), "no git is touched");

        Isolations outside = Isolations.choose(prompted, plain, state, null, NOT_LOCAL);
        assertEquals("none", outside.nameFor(prompted, prompted.tasks().get(0)), "not asked for: no refusal");
        GitRepo empty = GitRepo.init(temp.resolve("empty"));
        assertEquals(
                "none",
                Isolations.choose(prompted, empty.dir(), state, null, NOT_LOCAL)
                        .nameFor(prompted, prompted.tasks().get(0)),
                "a repository without a commit has nothing to start a worktree from");
    }

    @Test
    void a_task_overrides_the_plan_and_the_command_line_overrides_both() throws Exception {
        Plan plan = plan("\"none\"", "\"agent\": \"copilot\", \"isolation\": \"worktree\"", "\"agent\": \"copilot\"");
        Isolations byFields = Isolations.choose(plan, repo, state, null, NOT_LOCAL);
        assertEquals("worktree", byFields.nameFor(plan, plan.tasks().get(0)));
        assertEquals("none", byFields.nameFor(plan, plan.tasks().get(1)));

        Isolations none = Isolations.choose(plan, repo, state, "none", NOT_LOCAL);
        assertEquals("none", none.nameFor(plan, plan.tasks().get(0)));
        assertTrue(none.worktree().isEmpty());
        Isolations worktree = Isolations.choose(plan, repo, state, "worktree", NOT_LOCAL);
        assertEquals("worktree", worktree.nameFor(plan, plan.tasks().get(1)));
    }

    @Test
    void asking_for_worktree_where_there_can_be_none_is_refused_saying_what_to_do() throws Exception {
        Plan plan = plan("\"worktree\"", "\"agent\": \"local\", \"steps\": [\"true\"]", "\"agent\": \"copilot\"");
        IsolationException outside =
                assertThrows(IsolationException.class, () -> Isolations.choose(plan, plain, state, null, NOT_LOCAL));
        assertTrue(outside.getMessage().contains("--isolation none"), outside.getMessage());
        GitRepo empty = GitRepo.init(temp.resolve("empty"));
        IsolationException noCommit = assertThrows(
                IsolationException.class, () -> Isolations.choose(plan, empty.dir(), state, "worktree", NOT_LOCAL));
        assertTrue(noCommit.getMessage().contains("has no commit yet"), noCommit.getMessage());
    }

    /** A plan of two tasks {@code a} and {@code b} with the given task fields and plan-level isolation. */
    private static Plan plan(String isolation, String a, String b) throws Exception {
        String json = "{\"id\": \"p\", \"name\": \"p\", "
                + (isolation == null ? "" : "\"isolation\": " + isolation + ", ")
                + "\"tasks\": [{\"id\": \"a\", \"title\": \"A\", " + a + "}, {\"id\": \"b\", \"title\": \"B\", " + b
                + "}]}";
        return PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);
    }
}
