import Sandbox
print("simrun: under construction")
