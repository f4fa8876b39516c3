package io.goldfinch.payments;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/** Crashes once at the point a test names. */
@Singleton
@Replaces(CrashPoints.class)
@Requires(env = Environment.TEST)
public class TestCrashPoints extends CrashPoints {

    private volatile String armed;

    public void armAt(String point) {
        armed = point;
    }

    @Override
    public void reach(String point) {
        if (point.equals(armed)) {
            armed = null;
            throw new SimulatedCrash(point);
        }
    }
}
