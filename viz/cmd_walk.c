int viz_walk_main(int argc, char **argv);
int viz_walk_main(int argc, char **argv) { (void)argc; (void)argv; return 1; }
