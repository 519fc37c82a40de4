using System.CommandLine;
using Alerts.Cli.Configuration;
using Alerts.Core.Subscriptions;
using Alerts.Pipeline.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts subscribe</c> and <c>alerts subscriptions list|confirm|unsubscribe</c>.</summary>
public static class SubscriptionsCommand
{
    public static Command BuildSubscribe()
    {
        var email = new Argument<string>("email") { Description = "The address to send digests to." };
        var topics = new Option<string[]>("--topic", "-t") { Description = "A topic id (repeatable); see 'alerts topics list'.", Required = true };
        var frequency = new Option<DigestFrequency>("--frequency") { Description = "immediate, hourly, daily or weekly.", DefaultValueFactory = _ => DigestFrequency.Daily };
        var hour = new Option<int>("--hour") { Description = "Local hour (0-23) of daily and weekly digests.", DefaultValueFactory = _ => 8 };
        var day = new Option<DayOfWeek>("--day") { Description = "Day of weekly digests, e.g. Monday.", DefaultValueFactory = _ => DayOfWeek.Monday };
        var zone = new Option<string>("--tz") { Description = "IANA time zone, e.g. Europe/Berlin.", DefaultValueFactory = _ => "UTC" };
        var command = new Command("subscribe", "Subscribe an address with double opt-in: a confirmation email is sent, and nothing else until it is confirmed.")
        {
            email, topics, frequency, hour, day, zone,
        };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, settings, token) =>
        {
            await ConfigSync.ApplyAsync(host, settings, token);
            var request = new SubscriptionRequest(
                parse.GetValue(email)!, parse.GetValue(topics) ?? [], parse.GetValue(frequency), parse.GetValue(hour), parse.GetValue(day), parse.GetValue(zone)!);
            try
            {
                var result = await host.Services.GetRequiredService<ManageSubscriptions>().SubscribeAsync(request, token);
                var subscription = result.Subscription;
                await parse.InvocationConfiguration.Output.WriteLineAsync(result.Outcome switch
                {
                    SubscribeOutcome.ConfirmationSent => $"subscriptions: {subscription.Email} is pending ({subscription.Id}); a confirmation email was sent",
                    SubscribeOutcome.AlreadyPending => $"subscriptions: {subscription.Email} is already waiting for its confirmation ({subscription.Id}); nothing sent",
                    _ => $"subscriptions: {subscription.Email} is already subscribed ({subscription.Id}); nothing changed",
                });
                return ExitCodes.Success;
            }
            catch (ArgumentException ex)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message);
                return ExitCodes.Usage;
            }
        }, ct));
        return command;
    }

    public static Command Build() => new("subscriptions", "List subscriptions, confirm one with its token, unsubscribe one.")
    {
        BuildList(),
        BuildConfirm(),
        BuildUnsubscribe(),
    };

    private static Command BuildList()
    {
        var json = new Option<bool>("--json") { Description = "One JSON array of subscriptions." };
        var command = new Command("list", "Subscriptions with their state, topics and schedule.") { json };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, settings, token) =>
        {
            await ConfigSync.ApplyAsync(host, settings, token);
            var subscriptions = await host.Services.GetRequiredService<ManageSubscriptions>().ListAsync(token);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(CliJson.Serialize(subscriptions));
                return ExitCodes.Success;
            }

            if (subscriptions.Count == 0)
            {
                await output.WriteLineAsync("subscriptions: none yet; add one with 'alerts subscribe <email> --topic <id>'");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("id", "email", "state", "topics", "schedule");
            foreach (var s in subscriptions)
            {
                var schedule = s.Frequency switch
                {
                    DigestFrequency.Daily => $"daily {s.Hour:00}:00 {s.TimeZone}",
                    DigestFrequency.Weekly => $"weekly {s.DayOfWeek} {s.Hour:00}:00 {s.TimeZone}",
                    _ => s.Frequency.ToString().ToLowerInvariant(),
                };
                table.AddRow(Markup.Escape(s.Id), Markup.Escape(s.Email), s.State.ToString().ToLowerInvariant(), Markup.Escape(string.Join(", ", s.Topics)), Markup.Escape(schedule));
            }

            CliTable.Write(output, table);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command BuildConfirm()
    {
        var tokenArgument = new Argument<string>("token") { Description = "The token of the confirmation link." };
        var command = new Command("confirm", "Confirm a pending subscription with the token from its confirmation email.") { tokenArgument };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var result = await host.Services.GetRequiredService<ManageSubscriptions>().ConfirmAsync(parse.GetValue(tokenArgument)!, token);
            if (!result.Ok)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(result.Error);
                return ExitCodes.Failures;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"subscriptions: {result.Subscription!.Email} is active ({result.Subscription.Id})");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command BuildUnsubscribe()
    {
        var target = new Argument<string>("email-or-id") { Description = "The subscription's address or id." };
        var command = new Command("unsubscribe", "Stop sending digests to an address.") { target };
        command.SetAction((parse, ct) => AlertsCommandLine.WithHostAsync(parse, async (host, _, token) =>
        {
            var subscription = await host.Services.GetRequiredService<ManageSubscriptions>().UnsubscribeAsync(parse.GetValue(target)!, token);
            if (subscription is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"subscriptions: no such subscription: {parse.GetValue(target)}");
                return ExitCodes.Failures;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"subscriptions: {subscription.Email} is unsubscribed ({subscription.Id})");
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
