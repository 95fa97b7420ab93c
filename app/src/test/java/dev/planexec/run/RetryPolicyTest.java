package dev.planexec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void delays_double_and_stop_at_the_cap() {
        RetryPolicy policy = new RetryPolicy(20, Duration.ofSeconds(10), () -> 0);
        assertEquals(Duration.ofSeconds(10), policy.delayBefore(1));
        assertEquals(Duration.ofSeconds(20), policy.delayBefore(2));
        assertEquals(Duration.ofSeconds(40), policy.delayBefore(3));
        assertEquals(RetryPolicy.MAX_DELAY, policy.delayBefore(15));
    }

    @Test
    void jitter_waits_between_half_and_all_of_the_ceiling() {
        assertEquals(Duration.ofMillis(5001), new RetryPolicy(1, Duration.ofSeconds(10), () -> 0.9999).delayBefore(1));
        assertEquals(Duration.ofSeconds(10), new RetryPolicy(1, Duration.ofSeconds(10), () -> 0).delayBefore(1));
        assertEquals(Duration.ofMillis(7500), new RetryPolicy(1, Duration.ofSeconds(10), () -> 0.5).delayBefore(1));
    }

    @Test
    void retries_zero_allows_none() {
        assertFalse(new RetryPolicy(0, Duration.ofSeconds(10), () -> 0).allowsAnother(0));
        assertTrue(new RetryPolicy(1, Duration.ofSeconds(10), () -> 0).allowsAnother(0));
        assertFalse(new RetryPolicy(1, Duration.ofSeconds(10), () -> 0).allowsAnother(1));
    }
}
