using ScottPlot;

namespace Keystone.Auth.Fleet;

/// <summary>Three stacked panels over the simulated day: token POSTs per hour, open sockets and descriptors, memory.</summary>
internal static class DayPlot
{
    public static void Save(FleetResult r, string path)
    {
        var o = r.Options;
        double[] hours = [.. r.Hours.Select(h => h.Hour + 1.0)];
        var multi = new Multiplot();
        multi.AddPlots(3);

        var posts = multi.GetPlot(0);
        var bars = posts.Add.Bars(r.Hours.Select(h => h.Hour + 0.5).ToArray(), r.Hours.Select(h => (double)h.TokenPosts).ToArray());
        bars.LegendText = "token POSTs answered";
        var refused = posts.Add.Bars(r.Hours.Select(h => h.Hour + 0.5).ToArray(), r.Hours.Select(h => (double)h.RefusedPosts).ToArray());
        refused.Color = Colors.Red;
        refused.LegendText = "POSTs refused (Keystone down)";
        var perSub = posts.Add.HorizontalLine(o.Subclouds * 60.0 / 55.0);
        perSub.LinePattern = LinePattern.Dashed;
        perSub.Color = Colors.Gray;
        perSub.LegendText = "N x 60/55 (one POST per 55-min token use)";
        posts.Title($"{o.Subclouds} subclouds, {o.Workers} workers, {o.Duration.TotalHours:F0} simulated hours: token POSTs per hour");
        posts.YLabel("POSTs / hour");
        Mark(posts, o);
        posts.ShowLegend(Alignment.UpperLeft);

        var sockets = multi.GetPlot(1);
        sockets.Add.Scatter(hours, r.Hours.Select(h => (double)h.Os.ClientOpen).ToArray()).LegendText = "client sockets open";
        sockets.Add.Scatter(hours, r.Hours.Select(h => (double)h.Os.FileDescriptors).ToArray()).LegendText = "file descriptors (both ends + listeners)";
        sockets.Add.Scatter(hours, r.Hours.Select(h => (double)h.Os.TimeWait).ToArray()).LegendText = "TIME_WAIT (no descriptor; both sides)";
        sockets.Title("sockets and descriptors at each hour's end (/proc)");
        sockets.YLabel("count");
        Mark(sockets, o);
        sockets.ShowLegend(Alignment.UpperLeft);

        var memory = multi.GetPlot(2);
        memory.Add.Scatter(hours, r.Hours.Select(h => h.Os.ManagedBytes / 1e6).ToArray()).LegendText = "managed heap after full GC";
        memory.Add.Scatter(hours, r.Hours.Select(h => h.Os.RssBytes / 1e6).ToArray()).LegendText = "process RSS (clients + servers)";
        memory.Title("memory");
        memory.YLabel("MB");
        memory.XLabel("simulated hour");
        Mark(memory, o);
        memory.ShowLegend(Alignment.UpperLeft);

        foreach (var p in new[] { posts, sockets, memory })
        {
            p.Axes.SetLimitsX(0, o.Duration.TotalHours + 0.5);
            p.Axes.AutoScaleY();
            p.Axes.SetLimitsY(0, p.Axes.GetLimits().Top * 1.45); // room for the legend above the data
        }

        multi.SavePng(path, 1200, 1200);
    }

    private static void Mark(Plot plot, FleetOptions o)
    {
        foreach (var (at, text) in new[] { (o.RotationAt, "keys replaced"), (o.OutageFrom, "outage"), (o.OutageTo, ""), (o.MoveAt, "address change") })
        {
            var line = plot.Add.VerticalLine(at.TotalHours);
            line.LinePattern = LinePattern.Dotted;
            line.Color = Colors.DarkOrange;
            line.Text = text;
            line.LabelOppositeAxis = false;
        }
    }
}
