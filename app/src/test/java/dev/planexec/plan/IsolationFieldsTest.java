package dev.planexec.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsolationFieldsTest {
    private static final String PLAN =
            """
            {
              "id": "p",
              "isolation": "worktree",
              "worktreeFiles": [".env"],
              "tasks": [
                {
                  "id": "a",
                  "title": "A",
                  "isolation": "none",
                  "steps": ["true"],
                  "status": "pending"
                }
              ]
            }
            """;

    @Test
    void reads_isolation_at_plan_and_task_level_and_the_files_to_copy() throws Exception {
        Plan plan = PlanFiles.parse(PLAN.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);
        assertEquals("worktree", plan.isolation());
        assertEquals(List.of(".env"), plan.worktreeFiles());
        assertEquals("none", plan.tasks().get(0).isolation());
        assertNull(plan.gitBase());
        assertNull(plan.tasks().get(0).worktree());
    }

    @Test
    void written_ahead_worktree_and_git_base_survive_a_save() throws Exception {
        Plan plan = PlanFiles.parse(PLAN.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);
        Plan changed = plan.withGitBase(new GitBase("abc123", "main"))
                .withTask("a", t -> t.withWorktree(TaskWorktree.assigned("/state/wt/a", "planexec-task/p/a")));
        String json = new String(PlanFiles.toJson(changed), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"gitBase\": {\n    \"commit\": \"abc123\",\n    \"branch\": \"main\"\n  }"), json);
        Plan again = PlanFiles.parse(json.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES);
        assertEquals(new GitBase("abc123", "main"), again.gitBase());
        assertEquals(
                TaskWorktree.assigned("/state/wt/a", "planexec-task/p/a"),
                again.tasks().get(0).worktree());
        assertEquals("worktree", again.isolation());
        assertEquals(List.of(".env"), again.worktreeFiles());
        assertEquals("none", again.tasks().get(0).isolation());
    }

    @Test
    void refuses_an_unknown_isolation_and_files_outside_the_repository() {
        String bad = PLAN.replace("\"none\"", "\"docker\"").replace("\".env\"", "\"../secrets\"");
        InvalidPlanException e = assertThrows(
                InvalidPlanException.class,
                () -> PlanFiles.parse(bad.getBytes(StandardCharsets.UTF_8), "p.json", AgentRegistry.NAMES));
        String problems = String.join("\n", e.problems());
        assertTrue(problems.contains("\"isolation\" must be \"worktree\" or \"none\", not \"docker\""), problems);
        assertTrue(problems.contains("not \"../secrets\""), problems);
    }
}
