package dev.planexec.agent.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.copilot.sdk.generated.SessionEvent;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.TurnResult;
import dev.planexec.testing.Recorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How a Copilot session's events become planexec's agent events and a turn's result. */
class TurnTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Recorder<AgentEvent> events = new Recorder<>();
    private final AtomicLong clock = new AtomicLong();
    private final Turn turn = new Turn(events::add, clock::get);

    @Test
    void a_turn_with_a_tool_call_and_a_streamed_answer() throws Exception {
        feed(
                "{'type':'user.message','data':{'content':'do it'}}",
                "{'type':'assistant.message','data':{'content':'','toolRequests':[]}}",
                "{'type':'tool.execution_start','data':{'toolCallId':'c1','toolName':'bash',"
                        + "'arguments':{'command':'echo hi > a.txt','description':'write'}}}",
                "{'type':'tool.execution_complete','data':{'toolCallId':'c1','success':true,"
                        + "'result':{'content':'<exited with exit code 0>'}}}",
                "{'type':'assistant.message_delta','data':{'messageId':'m','deltaContent':'All '}}",
                "{'type':'assistant.message_delta','data':{'messageId':'m','deltaContent':'done.'}}",
                "{'type':'assistant.message','data':{'content':'All done.'}}",
                "{'type':'session.idle','data':{}}");

        assertEquals(
                List.of(
                        new AgentEvent.ToolStart("c1", "bash", "echo hi > a.txt"),
                        new AgentEvent.Output(AgentEvent.Stream.STDOUT, "<exited with exit code 0>"),
                        new AgentEvent.ToolEnd("c1", "bash", true, "<exited with exit code 0>"),
                        new AgentEvent.MessageDelta("All "),
                        new AgentEvent.MessageDelta("done."),
                        new AgentEvent.Idle()),
                events.all());
        assertEquals(new TurnResult.Completed("All done."), turn.await(Duration.ZERO));
    }

    @Test
    void an_error_fails_the_turn_with_its_message() throws Exception {
        feed(
                "{'type':'user.message','data':{'content':'do it'}}",
                "{'type':'session.error','data':{'errorType':'query','message':'500 the model broke',"
                        + "'statusCode':500}}",
                "{'type':'session.idle','data':{}}");

        String message = "Copilot reported an error (HTTP 500): 500 the model broke";
        assertEquals(TurnResult.Failed.transientFailure(message), turn.await(Duration.ZERO));
        assertEquals(List.of(new AgentEvent.Error(message)), events.all());
    }

    @Test
    void an_error_with_a_status_that_is_not_transient_is_not_retried_and_usage_is_reported() throws Exception {
        feed(
                "{'type':'user.message','data':{'content':'do it'}}",
                "{'type':'assistant.usage','data':{'model':'m','inputTokens':120,'outputTokens':7,"
                        + "'cacheReadTokens':100,'cost':1}}",
                "{'type':'session.error','data':{'errorType':'query','message':'bad request','statusCode':400}}");

        String message = "Copilot reported an error (HTTP 400): bad request";
        assertEquals(new TurnResult.Failed(message), turn.await(Duration.ZERO));
        assertEquals(List.of(new AgentEvent.Usage(120, 7, 100, null), new AgentEvent.Error(message)), events.all());
    }

    @Test
    void an_idle_before_the_prompt_was_taken_belongs_to_an_earlier_turn() throws Exception {
        feed("{'type':'session.idle','data':{}}");
        assertNull(turn.await(Duration.ZERO));

        feed("{'type':'user.message','data':{'content':'go on'}}", "{'type':'session.idle','data':{'aborted':true}}");
        assertEquals(new TurnResult.Aborted(), turn.await(Duration.ZERO));
    }

    @Test
    void a_failed_tool_says_why_and_sub_agent_text_is_not_the_answer() throws Exception {
        feed(
                "{'type':'user.message','data':{'content':'do it'}}",
                "{'type':'tool.execution_start','data':{'toolCallId':'c2','toolName':'view','arguments':{'path':'x'}}}",
                "{'type':'tool.execution_complete','data':{'toolCallId':'c2','success':false,"
                        + "'error':{'message':'no such file: x\\nmore'}}}",
                "{'type':'assistant.message_delta','data':{'deltaContent':'inner','parentToolCallId':'c9'}}",
                "{'type':'assistant.message_delta','data':{'deltaContent':'Could not.'}}",
                "{'type':'session.idle','data':{}}");

        assertEquals(
                List.of(
                        new AgentEvent.ToolStart("c2", "view", "x"),
                        new AgentEvent.ToolEnd("c2", "view", false, "no such file: x"),
                        new AgentEvent.MessageDelta("Could not."),
                        new AgentEvent.Idle()),
                events.all());
        assertEquals(new TurnResult.Completed("Could not."), turn.await(Duration.ZERO));
    }

    @Test
    void silence_is_measured_from_the_last_event_of_any_kind() throws Exception {
        clock.set(Duration.ofSeconds(10).toNanos());
        assertEquals(Duration.ofSeconds(10), turn.silence());
        feed("{'type':'assistant.usage','data':{}}");
        clock.addAndGet(Duration.ofSeconds(3).toNanos());
        assertEquals(Duration.ofSeconds(3), turn.silence());
    }

    private void feed(String... jsonEvents) throws Exception {
        for (String json : jsonEvents) {
            turn.accept(JSON.readValue(json.replace('\'', '"'), SessionEvent.class));
        }
    }
}
