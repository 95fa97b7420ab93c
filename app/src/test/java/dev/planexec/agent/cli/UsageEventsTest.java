package dev.planexec.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.agent.AgentEvent;
import dev.planexec.testing.Recorder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each CLI adapter turns its agent's usage report into one {@link AgentEvent.Usage}. */
class UsageEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<AgentEvent.Usage> usage(CliAgent agent, String... lines) throws Exception {
        Recorder<AgentEvent> events = new Recorder<>();
        Turn turn = new Turn(events::add);
        for (String line : lines) {
            agent.onEvent(JSON.readTree(line.replace('\'', '"')), turn);
        }
        return events.ofType(AgentEvent.Usage.class);
    }

    @Test
    void claude_reports_its_results_usage_and_cost() throws Exception {
        assertEquals(
                List.of(new AgentEvent.Usage(120, 45, 1000, 0.0123)),
                usage(
                        new ClaudeAgent(),
                        "{'type':'result','subtype':'success','is_error':false,'result':'ok','session_id':'s',"
                                + "'total_cost_usd':0.0123,'usage':{'input_tokens':120,'output_tokens':45,"
                                + "'cache_read_input_tokens':1000,'cache_creation_input_tokens':7}}"));
    }

    @Test
    void pi_reports_each_assistant_messages_usage_and_cost() throws Exception {
        assertEquals(
                List.of(new AgentEvent.Usage(10, 7, 3, 0.5), new AgentEvent.Usage(20, 1, 0, null)),
                usage(
                        new PiAgent(),
                        "{'type':'message_end','message':{'role':'assistant','content':[],'stopReason':'stop',"
                                + "'usage':{'input':10,'output':7,'cacheRead':3,'cost':{'total':0.5}}}}",
                        "{'type':'message_end','message':{'role':'user','content':[],"
                                + "'usage':{'input':99,'output':99}}}",
                        "{'type':'message_end','message':{'role':'assistant','content':[],'stopReason':'stop',"
                                + "'usage':{'input':20,'output':1}}}"));
    }

    @Test
    void codex_reports_its_turns_token_counts() throws Exception {
        assertEquals(
                List.of(new AgentEvent.Usage(300, 20, 256, null)),
                usage(
                        new CodexAgent(),
                        "{'type':'turn.completed','usage':{'input_tokens':300,'cached_input_tokens':256,"
                                + "'output_tokens':20}}"));
    }

    @Test
    void gemini_reports_its_results_stats() throws Exception {
        assertEquals(
                List.of(new AgentEvent.Usage(50, 9, 4, null)),
                usage(
                        new GeminiAgent(),
                        "{'type':'result','status':'success','stats':{'total_tokens':59,'input_tokens':50,"
                                + "'output_tokens':9,'cached':4}}"));
    }
}
