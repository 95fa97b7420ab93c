package dev.planexec.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {

    private static TaskBrief brief(List<TaskBrief.Dependency> deps) {
        return new TaskBrief(
                "p",
                "Parser",
                "",
                "/work/plan.json",
                "tests",
                "Write the parser's tests",
                "Cover every rule.",
                List.of("every rule has a test", "the tests pass"),
                List.of(),
                deps,
                List.of());
    }

    @Test
    void the_first_line_of_a_first_prompt_is_the_tasks_title_and_id() {
        TaskBrief brief = new TaskBrief(
                "demo",
                "Demo plan",
                "What it builds",
                "/w/demo.json",
                "setup",
                "Create the\noutput folder",
                "mkdir out",
                List.of("out/ exists"),
                List.of(),
                List.of(),
                List.of());

        assertEquals(
                "Create the output folder (planexec task setup)",
                Prompts.first(brief).lines().findFirst().orElseThrow());
    }

    @Test
    void a_long_result_is_cut_and_the_prompt_says_where_the_rest_is() {
        String result = "x".repeat(Prompts.MAX_DEPENDENCY_RESULT + 500);
        String prompt = Prompts.first(brief(List.of(new TaskBrief.Dependency("a", "Parser", "done", result, "s-1"))));

        assertTrue(prompt.contains("x".repeat(Prompts.MAX_DEPENDENCY_RESULT) + "\n[... 500 more characters: the whole "
                + "result is task a's \"agentResult\" in /work/plan.json and its conversation is in session s-1]"));
        assertFalse(prompt.contains("x".repeat(Prompts.MAX_DEPENDENCY_RESULT + 1)));
    }

    @Test
    void all_results_together_stay_within_their_budget() {
        List<TaskBrief.Dependency> deps = List.of(
                new TaskBrief.Dependency("a", "A", "done", "a".repeat(3000), null),
                new TaskBrief.Dependency("b", "B", "done", "b".repeat(3000), null),
                new TaskBrief.Dependency("c", "C", "done", "c".repeat(3000), null),
                new TaskBrief.Dependency("d", "D", "done", "d".repeat(3000), null),
                new TaskBrief.Dependency("e", "E", "done", "e".repeat(3000), null));
        String prompt = Prompts.first(brief(deps));

        long quoted = prompt.chars().filter(ch -> ch >= 'a' && ch <= 'e').count();
        // Four results of 2,000 fill the 8,000; the fifth is only pointed to. (Other text has few of these letters.)
        assertTrue(prompt.contains("Result of task e [done]:\n[... 3000 more characters"), prompt);
        assertTrue(quoted < Prompts.MAX_DEPENDENCY_RESULTS + 1000, "quoted " + quoted);
        assertTrue(prompt.startsWith("Write the parser's tests (planexec task tests)\n"));
        assertTrue(prompt.contains("This task depends on tasks a (A), b (B), c (C), d (D), e (E).\n"));
    }

    @Test
    void a_retry_says_what_ended_the_last_turn_and_asks_for_each_criterion() {
        String prompt = Prompts.retry(brief(List.of()), "Copilot reported an error (HTTP 500): boom\nmore");

        assertEquals(
                "Your last turn on task tests (Write the parser's tests) ended before it was done: Copilot reported"
                        + " an error (HTTP 500): boom. Check what is already done, then continue the task until its"
                        + " acceptance criteria are met. When the task is complete, check every acceptance criterion"
                        + " and say, for each one, whether it is met (and if not, why); then reply with a short"
                        + " summary of what you did.",
                prompt);
    }

    @Test
    void transient_errors_are_told_from_others() {
        assertTrue(TransientErrors.mentionsTransientHttp("API Error: 500 {\"type\":\"error\"}"));
        assertTrue(TransientErrors.mentionsTransientHttp("Copilot reported an error (HTTP 429): slow down"));
        assertTrue(TransientErrors.mentionsTransientHttp("model is overloaded"));
        assertFalse(TransientErrors.mentionsTransientHttp("step 1/1 (exit 3) exited with code 3"));
        assertFalse(TransientErrors.mentionsTransientHttp("wrote 500 lines"));
    }
}
