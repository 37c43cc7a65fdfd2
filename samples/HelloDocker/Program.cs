Console.WriteLine("Hello from Docker!");
if (args.Length > 0)
{
    Console.WriteLine($"Arguments ({args.Length}): {string.Join(", ", args)}");
}

return args.Contains("--fail") ? 3 : 0;
