"""Pages of the campaigns (专项行动): list, detail with its report runs, create/edit, ask for its report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagewatch.accounts.access import get_for_user

from . import campaigns
from .forms_campaigns import CampaignForm, CampaignReportForm
from .models import Campaign, ReportRun


def _get_campaign_for_user(request, pk) -> Campaign:
    return get_for_user(Campaign.objects.select_related("township", "department"), request.user, pk)


@login_required
def campaign_list(request):
    """The campaigns of the user's scope."""
    context = {
        "campaigns": campaigns.campaign_list(user=request.user),
        "can_manage": campaigns.may_manage(request.user),
        "title": _("专项行动"),
    }
    return render(request, "reports/campaigns/list.html", context)


@login_required
def campaign_detail(request, pk):
    """One campaign: its days, scope, targets and its report."""
    campaign = _get_campaign_for_user(request, pk)
    context = {
        "campaign": campaign,
        "targets": campaign.targets.order_by("pk"),
        "runs": ReportRun.objects.visible_to(request.user).filter(campaign=campaign),
        "report_form": CampaignReportForm(),
        "can_manage": campaigns.may_manage(request.user),
        "title": campaign.name,
    }
    return render(request, "reports/campaigns/detail.html", context)


def _campaign_form(request, campaign: Campaign | None):
    if not campaigns.may_manage(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        saved = campaigns.campaign_save(user=request.user, campaign=campaign, **form.service_kwargs())
        messages.success(request, _("已保存"))
        return redirect("reports:campaign_detail", pk=saved.pk)
    title = _("编辑专项行动") if campaign else _("新建专项行动")
    return render(
        request, "reports/campaigns/form.html", {"form": form, "campaign": campaign, "title": title}
    )


@login_required
def campaign_create(request):
    """The office sets up a campaign and its targets."""
    return _campaign_form(request, None)


@login_required
def campaign_edit(request, pk):
    """The office edits a campaign and its targets."""
    return _campaign_form(request, _get_campaign_for_user(request, pk))


@login_required
@require_POST
def campaign_report(request, pk):
    """Ask for the campaign's report (PDF and Excel); the run page shows its progress."""
    campaign = _get_campaign_for_user(request, pk)
    form = CampaignReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("；").join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reports:campaign_detail", pk=campaign.pk)
    run = campaigns.campaign_report_request(
        user=request.user, campaign=campaign, plan=form.cleaned_data["plan"]
    )
    return redirect("reports:detail", pk=run.pk)
