"""Demo steps, one module per area, run in order by posyandu.demo.services.seed_demo."""
