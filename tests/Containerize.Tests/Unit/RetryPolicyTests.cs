using Containerize.Backends;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class RetryPolicyTests
{
    private static readonly TimeSpan[] TinyDelays = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(3)];

    private readonly RetryPolicy policy = new(TinyDelays);
    private readonly List<(Exception Failure, int Attempt, TimeSpan Delay)> retries = [];
    private int calls;

    private sealed class TransientException(string message) : Exception(message);

    private sealed class PermanentException(string message) : Exception(message);

    private static bool IsTransient(Exception exception) => exception is TransientException;

    private void OnRetry(Exception failure, int attempt, TimeSpan delay) => retries.Add((failure, attempt, delay));

    /// <summary>An operation that throws the given failures, one per call, then answers "pushed".</summary>
    private Func<Task<string>> FailingWith(params Exception[] failures) => () =>
    {
        calls++;
        return calls <= failures.Length ? Task.FromException<string>(failures[calls - 1]) : Task.FromResult("pushed");
    };

    [TestMethod]
    public void The_number_of_attempts_is_one_more_than_the_number_of_delays()
    {
        Assert.AreEqual(4, policy.Attempts);
        Assert.AreEqual(4, RetryPolicy.Default.Attempts);
    }

    [TestMethod]
    public async Task A_first_success_is_returned_without_a_retry()
    {
        var result = await policy.RunAsync(FailingWith(), IsTransient, OnRetry, CancellationToken.None);

        Assert.AreEqual("pushed", result);
        Assert.AreEqual(1, calls);
        Assert.IsEmpty(retries);
    }

    [TestMethod]
    public async Task Transient_failures_are_tried_again_until_the_operation_succeeds()
    {
        var first = new TransientException("reset 1");
        var second = new TransientException("reset 2");

        var result = await policy.RunAsync(FailingWith(first, second), IsTransient, OnRetry, CancellationToken.None);

        Assert.AreEqual("pushed", result);
        Assert.AreEqual(3, calls);
        Assert.AreSequenceEqual(new[] { (first as Exception, 1, TinyDelays[0]), (second, 2, TinyDelays[1]) }, retries.ToArray());
    }

    [TestMethod]
    public async Task After_the_last_attempt_the_last_failure_is_thrown()
    {
        var failures = Enumerable.Range(1, 5).Select(i => new TransientException($"reset {i}")).ToArray<Exception>();

        var thrown = await Assert.ThrowsExactlyAsync<TransientException>(() => policy.RunAsync(FailingWith(failures), IsTransient, OnRetry, CancellationToken.None));

        Assert.AreSame(failures[3], thrown);
        Assert.AreEqual(4, calls);
        Assert.AreSequenceEqual(new[] { 1, 2, 3 }, retries.Select(retry => retry.Attempt).ToArray());
        Assert.AreSequenceEqual(TinyDelays, retries.Select(retry => retry.Delay).ToArray());
    }

    [TestMethod]
    public async Task A_failure_that_is_not_transient_is_thrown_at_once()
    {
        var permanent = new PermanentException("unauthorized");

        var thrown = await Assert.ThrowsExactlyAsync<PermanentException>(() => policy.RunAsync(FailingWith(permanent), IsTransient, OnRetry, CancellationToken.None));

        Assert.AreSame(permanent, thrown);
        Assert.AreEqual(1, calls);
        Assert.IsEmpty(retries);
    }

    [TestMethod]
    public async Task A_permanent_failure_after_a_transient_one_ends_the_retries()
    {
        var permanent = new PermanentException("denied");

        var thrown = await Assert.ThrowsExactlyAsync<PermanentException>(
            () => policy.RunAsync(FailingWith(new TransientException("reset"), permanent), IsTransient, OnRetry, CancellationToken.None));

        Assert.AreSame(permanent, thrown);
        Assert.AreEqual(2, calls);
        Assert.HasCount(1, retries);
    }

    [TestMethod]
    public async Task A_policy_without_delays_tries_once()
    {
        var failure = new TransientException("reset");

        var thrown = await Assert.ThrowsExactlyAsync<TransientException>(
            () => new RetryPolicy([]).RunAsync(FailingWith(failure), IsTransient, OnRetry, CancellationToken.None));

        Assert.AreSame(failure, thrown);
        Assert.AreEqual(1, calls);
        Assert.IsEmpty(retries);
    }

    [TestMethod]
    public async Task Cancellation_during_a_pause_ends_the_wait_without_another_attempt()
    {
        using var cancellation = new CancellationTokenSource();
        var longPolicy = new RetryPolicy([TimeSpan.FromMinutes(10)]);
        var started = DateTime.UtcNow;

        await Assert.ThrowsExactlyAsync<TaskCanceledException>(() => longPolicy.RunAsync(
            FailingWith(new TransientException("reset")),
            IsTransient,
            (failure, attempt, delay) =>
            {
                OnRetry(failure, attempt, delay);
                cancellation.Cancel();
            },
            cancellation.Token));

        Assert.AreEqual(1, calls);
        Assert.HasCount(1, retries);
        Assert.IsLessThan(TimeSpan.FromMinutes(1), DateTime.UtcNow - started);
    }

    [TestMethod]
    public async Task A_token_cancelled_before_the_pause_ends_it_at_once()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        await Assert.ThrowsExactlyAsync<TaskCanceledException>(() => new RetryPolicy([TimeSpan.FromMinutes(10)]).RunAsync(
            FailingWith(new TransientException("reset")), IsTransient, OnRetry, cancellation.Token));

        Assert.AreEqual(1, calls);
    }
}
