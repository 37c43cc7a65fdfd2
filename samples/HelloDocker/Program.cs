Console.WriteLine("Hello from Docker!");
if (args.Length > 0)
{
    Console.WriteLine($"Arguments: {string.Join(' ', args)}");
}

return args.Contains("--fail") ? 3 : 0;
