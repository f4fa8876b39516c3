package io.goldfinch.ledger;

import io.goldfinch.accounts.Role;
import io.goldfinch.accounts.UserStore;
import io.goldfinch.common.ApiException;
import io.goldfinch.common.Db;
import io.goldfinch.jobs.JobService;
import io.goldfinch.jobs.JobSpec;
import io.goldfinch.support.Api;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded, randomized run of 100,000 ledger operations against the real ledger in Postgres and an independent
 * in-memory model: the money flows of the product (fund, reserve, reward, fee, release, payout, reversal), replays of
 * earlier idempotency keys, reuse of a key for a different transfer, and overdraft attempts. After every operation the
 * model's debits equal its credits and no worker is negative; every 5,000 operations (and at the end) every account in
 * Postgres equals the model. Print the seed to replay a failure: -Dgoldfinch.ledger.seed=N.
 */
@MicronautTest
class LedgerModelTest {

    private static final int OPERATIONS = 100_000;
    private static final int BATCH = 1_000;

    @Inject
    Db db;
    @Inject
    Ledger ledger;
    @Inject
    UserStore users;
    @Inject
    JobService jobs;

    private record Posted(Ledger.Transfer transfer) {
    }

    @Test
    void randomOperationsKeepTheLedgerBalancedAndEqualToTheModel() {
        long seed = Long.getLong("goldfinch.ledger.seed", System.nanoTime());
        System.out.println("LedgerModelTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);

        List<String> requesters = new ArrayList<>();
        List<String> escrows = new ArrayList<>();
        List<String> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long r = users.create(Api.uniqueEmail("ledger-r"), Api.PASSWORD, "R", List.of(Role.REQUESTER)).id();
            requesters.add(Ledger.requesterAvailable(r));
            for (int j = 0; j < 2; j++) {
                long job = jobs.create(r, JobSpec.basic("ledger model", "x", List.of("a", "b"), 1, 1, 1, 0, 1)).id();
                escrows.add(Ledger.jobEscrow(job));
            }
        }
        for (int i = 0; i < 6; i++) {
            workers.add(Ledger.workerBalance(users.create(Api.uniqueEmail("ledger-w"), Api.PASSWORD, "W", List.of(Role.WORKER)).id()));
        }
        List<String> all = new ArrayList<>(requesters);
        all.addAll(escrows);
        all.addAll(workers);
        all.add(Ledger.FEES);
        all.add(Ledger.FUNDING);
        all.add(Ledger.PAYOUTS);
        Map<String, Long> start = new HashMap<>();
        db.tx(c -> {
            for (String code : all) {
                ledger.account(c, code);
                start.put(code, ledger.balance(c, code));
            }
            return null;
        });
        Map<String, Long> model = new HashMap<>(start);
        String run = Long.toString(seed, 36);
        List<Posted> history = new ArrayList<>();
        int[] outcomes = new int[4]; // posted, replayed, refused overdraft, refused key reuse

        for (int from = 0; from < OPERATIONS; from += BATCH) {
            int first = from;
            db.tx(c -> {
                for (int op = first; op < first + BATCH; op++) {
                    double kind = random.nextDouble();
                    if (kind < 0.05 && !history.isEmpty()) {
                        // Replay an earlier transfer: same key and payload, no effect.
                        Ledger.Transfer again = history.get(random.nextInt(history.size())).transfer();
                        assertThat(ledger.post(c, again)).isFalse();
                        outcomes[1]++;
                        continue;
                    }
                    if (kind < 0.07 && !history.isEmpty()) {
                        Ledger.Transfer earlier = history.get(random.nextInt(history.size())).transfer();
                        Ledger.Transfer changed = new Ledger.Transfer(earlier.idempotencyKey(), earlier.debitCode(), earlier.creditCode(),
                                earlier.amountMinor() + 1, earlier.kind(), null, null, null);
                        try {
                            ledger.post(c, changed);
                            throw new AssertionError("a reused key with another amount was accepted");
                        } catch (ApiException e) {
                            assertThat(e.type()).isEqualTo("idempotency-key-reused");
                            outcomes[3]++;
                        }
                        continue;
                    }
                    String debit;
                    String credit;
                    String flow;
                    double f = random.nextDouble();
                    if (f < 0.15) {
                        debit = Ledger.FUNDING; credit = pick(requesters, random); flow = "FUNDING";
                    } else if (f < 0.35) {
                        debit = pick(requesters, random); credit = pick(escrows, random); flow = "RESERVE";
                    } else if (f < 0.60) {
                        debit = pick(escrows, random); credit = pick(workers, random); flow = "REWARD";
                    } else if (f < 0.70) {
                        debit = pick(escrows, random); credit = Ledger.FEES; flow = "FEE";
                    } else if (f < 0.80) {
                        debit = pick(escrows, random); credit = pick(requesters, random); flow = "RELEASE";
                    } else if (f < 0.95) {
                        debit = pick(workers, random); credit = Ledger.PAYOUTS; flow = "PAYOUT";
                    } else {
                        debit = Ledger.PAYOUTS; credit = pick(workers, random); flow = "PAYOUT_REVERSAL";
                    }
                    long amount = 1 + random.nextInt(random.nextInt(10) == 0 ? 50_000 : 5_000);
                    var transfer = new Ledger.Transfer("model:" + run + ":" + op, debit, credit, amount, flow, null, null, null);
                    boolean mayOverdraw = !debit.equals(Ledger.FUNDING) && !debit.equals(Ledger.PAYOUTS);
                    boolean modelRefuses = mayOverdraw && model.get(debit) < amount;
                    try {
                        assertThat(ledger.post(c, transfer)).isTrue();
                        assertThat(modelRefuses).as("op %d: the ledger let %s overdraw", op, debit).isFalse();
                        model.merge(debit, -amount, Long::sum);
                        model.merge(credit, amount, Long::sum);
                        history.add(new Posted(transfer));
                        outcomes[0]++;
                    } catch (Ledger.InsufficientFunds e) {
                        assertThat(modelRefuses).as("op %d: the ledger refused %d from %s holding %d", op, amount, debit, model.get(debit)).isTrue();
                        outcomes[2]++;
                    }
                    // The model's own invariants, after every operation.
                    long total = 0;
                    for (var entry : model.entrySet()) {
                        total += entry.getValue() - start.get(entry.getKey());
                    }
                    assertThat(total).as("debits = credits after op %d", op).isZero();
                    for (String w : workers) {
                        assertThat(model.get(w)).as("worker balance after op %d", op).isNotNegative();
                    }
                }
                return null;
            });
            if ((from + BATCH) % 5_000 == 0) {
                compare(all, model);
            }
        }
        compare(all, model);
        System.out.printf("LedgerModelTest: %d posted, %d replays without effect, %d overdrafts refused, %d key reuses refused%n",
                outcomes[0], outcomes[1], outcomes[2], outcomes[3]);
        assertThat(outcomes[0]).isGreaterThan(OPERATIONS / 2);
        assertThat(outcomes[2]).isPositive();
    }

    private void compare(List<String> accounts, Map<String, Long> model) {
        db.tx(c -> {
            for (String code : accounts) {
                assertThat(ledger.balance(c, code)).as(code).isEqualTo(model.get(code));
            }
            assertThat(Db.scalarLong(c, "SELECT COALESCE(SUM(debits_minor), 0) - COALESCE(SUM(credits_minor), 0) FROM ledger_account")).isZero();
            assertThat(Db.scalarLong(c, "SELECT count(*) FROM ledger_account WHERE kind = 'WORKER_BALANCE' AND credits_minor < debits_minor")).isZero();
            return null;
        });
    }

    private static String pick(List<String> list, SplittableRandom random) {
        return list.get(random.nextInt(list.size()));
    }
}
